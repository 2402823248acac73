"""Postgres access. Every helper opens its own connection (simple, and fine for a handful of calls)."""
import logging
import random
import time

import psycopg2
import psycopg2.extras

from . import config

logger = logging.getLogger(__name__)


def get_connection():
    return psycopg2.connect(
        host=config.DB_HOST,
        port=config.DB_PORT,
        dbname=config.DB_NAME,
        user=config.DB_USER,
        password=config.DB_PASSWORD,
        cursor_factory=psycopg2.extras.RealDictCursor,
        connect_timeout=5,
    )


def _with_retry(operation, attempts=3):
    """Retry a DB operation on connection errors, with exponential backoff and a little jitter."""
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except psycopg2.OperationalError:
            if attempt == attempts:
                raise
            delay = 0.2 * 2**attempt + random.uniform(0, 0.1)
            logger.warning("database unavailable, retrying in %.2fs (attempt %d)", delay, attempt)
            time.sleep(delay)
    return None


def fetch_all(sql, params=()):
    def run():
        with get_connection() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    return _with_retry(run)


def fetch_one(sql, params=()):
    rows = fetch_all(sql, params)
    return rows[0] if rows else None


def execute(sql, params=()):
    def run():
        with get_connection() as conn, conn.cursor() as cur:
            cur.execute(sql, params)

    _with_retry(run)


def load_agent_for_number(phone_number):
    agent = fetch_one(
        "SELECT id, name, greeting, system_prompt, voice, language FROM agents WHERE phone_number = %s",
        (phone_number,),
    )
    if agent is None:
        agent = fetch_one("SELECT id, name, greeting, system_prompt, voice, language FROM agents ORDER BY id LIMIT 1")
    return agent


def record_call_start(call_sid, agent_id, caller):
    execute(
        "INSERT INTO calls (call_sid, agent_id, caller) VALUES (%s, %s, %s) ON CONFLICT (call_sid) DO NOTHING",
        (call_sid, agent_id, caller),
    )


def save_turn(call_sid, caller_text, agent_text):
    execute(
        "INSERT INTO call_turns (call_sid, caller_text, agent_text) VALUES (%s, %s, %s)",
        (call_sid, caller_text, agent_text),
    )


def transcript_for(call_sid):
    return fetch_all(
        "SELECT caller_text, agent_text, created_at FROM call_turns WHERE call_sid = %s ORDER BY id",
        (call_sid,),
    )
