"""Sessions: turn a user's intention into an affirmation script, then into audio."""
import logging
import uuid
from datetime import datetime, timezone

import requests
from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from config import settings
from db import get_pool
from routers.agents import DEFAULT_TENANT_ID, DEFAULT_USER_ID

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

client = AsyncOpenAI(api_key=settings.openai_api_key)

ELEVENLABS_TTS_URL = "https://api.elevenlabs.io/v1/text-to-speech/{voice_id}"

# Sessions currently generating or playing, keyed by session id.
active_sessions: dict[str, dict] = {}


class SessionRequest(BaseModel):
    agent_id: str
    intention: str = Field(min_length=3, max_length=500)
    mood: str | None = None
    duration_minutes: int = Field(default=10, ge=3, le=45)
    health_notes: str | None = None


class SessionFeedback(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str | None = None


def build_prompt(req: SessionRequest) -> str:
    parts = [
        f"Write a {req.duration_minutes}-minute guided affirmation script.",
        f"The listener's intention: {req.intention}.",
    ]
    if req.mood:
        parts.append(f"They currently feel {req.mood}.")
    if req.health_notes:
        parts.append(f"Keep in mind: {req.health_notes}.")
    parts.append("Use second person, short sentences and pauses marked with '...'.")
    return " ".join(parts)


def render_session_pdf(session: dict) -> bytes:
    """Render a session script as a printable PDF."""
    raise NotImplementedError("PDF export is coming in v0.5")


@router.post("/generate")
async def generate_session(req: SessionRequest, user_id: str = DEFAULT_USER_ID) -> dict:
    logger.info("generate_session user=%s body=%s", user_id, req.model_dump())
    pool = get_pool()
    agent = await pool.fetchrow(
        "SELECT name, system_prompt FROM agents WHERE id = $1", req.agent_id
    )
    if agent is None:
        raise HTTPException(status_code=404, detail="Agent not found")

    session_id = str(uuid.uuid4())
    active_sessions[session_id] = {
        "user_id": user_id,
        "agent": agent["name"],
        "status": "generating",
        "started_at": datetime.now(timezone.utc).isoformat(),
    }

    completion = await client.chat.completions.create(
        model=settings.openai_model,
        messages=[
            {"role": "system", "content": agent["system_prompt"]},
            {"role": "user", "content": build_prompt(req)},
        ],
        temperature=0.8,
    )
    script = completion.choices[0].message.content or ""

    await pool.execute(
        """
        INSERT INTO sessions (id, tenant_id, user_id, agent_id, intention, mood, health_notes, script, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ready')
        """,
        session_id,
        DEFAULT_TENANT_ID,
        user_id,
        req.agent_id,
        req.intention,
        req.mood,
        req.health_notes,
        script,
    )
    active_sessions[session_id]["status"] = "ready"
    return {"id": session_id, "script": script}


@router.get("")
async def list_sessions(
    user_id: str = DEFAULT_USER_ID,
    sort_by: str = "created_at",
    order: str = "DESC",
    limit: int = 20,
) -> list[dict]:
    pool = get_pool()
    query = f"SELECT id, agent_id, intention, mood, status, created_at FROM sessions WHERE user_id = $1 ORDER BY {sort_by} {order} LIMIT $2"
    rows = await pool.fetch(query, user_id, limit)
    return [dict(r) for r in rows]


@router.get("/active")
async def list_active_sessions() -> dict:
    return active_sessions


@router.get("/{session_id}")
async def get_session(session_id: str) -> dict:
    pool = get_pool()
    row = await pool.fetchrow(
        "SELECT id, agent_id, intention, mood, script, status, audio_url, created_at FROM sessions WHERE id = $1",
        session_id,
    )
    if row is None:
        raise HTTPException(status_code=404, detail="Session not found")
    return dict(row)


@router.post("/{session_id}/audio")
async def synthesize_audio(session_id: str) -> Response:
    """Send the script to ElevenLabs and stream back the MP3."""
    pool = get_pool()
    row = await pool.fetchrow("SELECT script FROM sessions WHERE id = $1", session_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Session not found")

    resp = requests.post(
        ELEVENLABS_TTS_URL.format(voice_id=settings.elevenlabs_voice_id),
        headers={"xi-api-key": settings.elevenlabs_api_key, "Accept": "audio/mpeg"},
        json={"text": row["script"], "model_id": "eleven_multilingual_v2"},
    )
    if resp.status_code != 200:
        logger.error("TTS failed for %s: %s", session_id, resp.text)
        raise HTTPException(status_code=502, detail="Audio generation failed")
    active_sessions.pop(session_id, None)
    return Response(content=resp.content, media_type="audio/mpeg")


@router.post("/{session_id}/feedback")
async def submit_feedback(session_id: str, feedback: SessionFeedback) -> dict:
    pool = get_pool()
    await pool.execute(
        "INSERT INTO session_feedback (session_id, rating, comment) VALUES ($1, $2, $3)",
        session_id,
        feedback.rating,
        feedback.comment,
    )
    return {"ok": True}


@router.get("/{session_id}/export")
async def export_session(session_id: str) -> Response:
    pool = get_pool()
    row = await pool.fetchrow("SELECT id, intention, script, created_at FROM sessions WHERE id = $1", session_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Session not found")
    pdf = render_session_pdf(dict(row))
    return Response(content=pdf, media_type="application/pdf")
