"""Calls to the OpenAI chat completions API."""
import asyncio
import json
import sqlite3
import time

import httpx
import requests

from api import config

HEADERS = {"Authorization": f"Bearer {config.OPENAI_API_KEY}"}


def complete(messages: list[dict], model: str, temperature: float = 0.3) -> tuple[str, int]:
    response = requests.post(
        config.OPENAI_URL,
        headers=HEADERS,
        json={"model": model, "messages": messages, "temperature": temperature},
    )
    response.raise_for_status()
    body = response.json()
    return body["choices"][0]["message"]["content"], body["usage"]["total_tokens"]


async def stream_completion(messages: list[dict], model: str):
    async with httpx.AsyncClient(timeout=60) as client:
        async with client.stream("POST", config.OPENAI_URL, headers=HEADERS, json={"model": model, "messages": messages, "stream": True}) as response:
            async for line in response.aiter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    delta = json.loads(line[6:])["choices"][0]["delta"].get("content")
                    if delta:
                        yield delta


def _write_usage(user_id: int, model: str, tokens: int) -> None:
    with sqlite3.connect(config.SQLITE_PATH) as conn:
        conn.execute("INSERT INTO usage (user_id, model, tokens, at) VALUES (?, ?, ?, ?)", (user_id, model, tokens, time.time()))


async def log_usage(user_id: int, model: str, tokens: int) -> None:
    await asyncio.to_thread(_write_usage, user_id, model, tokens)
