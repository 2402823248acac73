"""Guided sessions: an OpenAI-written affirmation script for one of the tenant's agents."""
import logging
import uuid
from typing import Annotated, Literal

import openai
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlalchemy import or_, select

from app.auth import CurrentUser, get_current_user
from app.config import get_settings
from app.db import DbSession
from app.models import Agent, GuidedSession, SessionStatus
from app.rate_limit import limiter
from app.schemas import SessionCreate, SessionOut, SessionRating

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/sessions", tags=["sessions"], dependencies=[Depends(get_current_user)])

SORT_COLUMNS = {
    "created_at": GuidedSession.created_at,
    "rating": GuidedSession.rating,
}


def build_prompt(body: SessionCreate) -> str:
    return (
        f"Write a {body.duration_minutes}-minute guided affirmation script. "
        f"The listener's intention: {body.intention}. "
        "Use second person, short sentences and pauses marked with '...'."
    )


@router.post("/generate", response_model=SessionOut, status_code=status.HTTP_201_CREATED)
@limiter.limit("10/minute")
async def generate_session(request: Request, body: SessionCreate, user: CurrentUser, db: DbSession) -> GuidedSession:
    agent = await db.scalar(
        select(Agent).where(
            Agent.id == body.agent_id,
            or_(Agent.tenant_id == user.tenant_id, Agent.is_public.is_(True)),
        )
    )
    if agent is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Agent not found")

    session = GuidedSession(
        tenant_id=user.tenant_id, user_id=user.id, agent_id=agent.id, intention=body.intention
    )
    db.add(session)
    await db.flush()

    client: openai.AsyncOpenAI = request.app.state.openai
    try:
        completion = await client.chat.completions.create(
            model=get_settings().openai_model,
            messages=[
                {"role": "system", "content": agent.system_prompt},
                {"role": "user", "content": build_prompt(body)},
            ],
            temperature=0.8,
            max_tokens=1500,
        )
    except openai.APIError as exc:
        session.status = SessionStatus.failed
        await db.commit()
        logger.warning(
            "script generation failed",
            extra={"session_id": str(session.id), "error_type": type(exc).__name__},
        )
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="Your guide is unavailable right now. Please try again in a minute.",
        ) from None

    session.script = completion.choices[0].message.content
    session.status = SessionStatus.ready
    await db.commit()
    logger.info("session generated", extra={"session_id": str(session.id), "agent_id": str(agent.id)})
    return session


@router.get("", response_model=list[SessionOut])
async def list_sessions(
    user: CurrentUser,
    db: DbSession,
    sort: Literal["created_at", "rating"] = "created_at",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[GuidedSession]:
    stmt = (
        select(GuidedSession)
        .where(GuidedSession.user_id == user.id)
        .order_by(SORT_COLUMNS[sort].desc().nulls_last())
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(stmt))


async def get_own_session(db: DbSession, session_id: uuid.UUID, user: CurrentUser) -> GuidedSession:
    session = await db.scalar(
        select(GuidedSession).where(GuidedSession.id == session_id, GuidedSession.user_id == user.id)
    )
    if session is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Session not found")
    return session


@router.get("/{session_id}", response_model=SessionOut)
async def get_session(session: Annotated[GuidedSession, Depends(get_own_session)]) -> GuidedSession:
    return session


@router.post("/{session_id}/rating", status_code=status.HTTP_204_NO_CONTENT)
async def rate_session(
    body: SessionRating,
    session: Annotated[GuidedSession, Depends(get_own_session)],
    db: DbSession,
) -> None:
    session.rating = body.rating
    await db.commit()
