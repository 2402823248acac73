"""Agent personas, scoped to the caller's tenant."""
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import CurrentUser, get_current_user
from app.db import DbSession
from app.models import Agent, User
from app.schemas import AgentCreate, AgentOut, AgentUpdate

router = APIRouter(prefix="/api/agents", tags=["agents"], dependencies=[Depends(get_current_user)])

UPDATABLE_FIELDS = frozenset({"name", "voice_style", "system_prompt", "language", "is_public"})


async def get_tenant_agent(db: AsyncSession, agent_id: uuid.UUID, user: User) -> Agent:
    agent = await db.scalar(select(Agent).where(Agent.id == agent_id, Agent.tenant_id == user.tenant_id))
    if agent is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Agent not found")
    return agent


@router.get("", response_model=list[AgentOut])
async def list_agents(
    user: CurrentUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Agent]:
    stmt = (
        select(Agent)
        .where(Agent.tenant_id == user.tenant_id)
        .order_by(Agent.created_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(await db.scalars(stmt))


@router.get("/{agent_id}", response_model=AgentOut)
async def get_agent(agent_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Agent:
    return await get_tenant_agent(db, agent_id, user)


@router.post("", response_model=AgentOut, status_code=status.HTTP_201_CREATED)
async def create_agent(body: AgentCreate, user: CurrentUser, db: DbSession) -> Agent:
    agent = Agent(**body.model_dump(), tenant_id=user.tenant_id, owner_id=user.id)
    db.add(agent)
    await db.commit()
    await db.refresh(agent)
    return agent


@router.patch("/{agent_id}", response_model=AgentOut)
async def update_agent(agent_id: uuid.UUID, body: AgentUpdate, user: CurrentUser, db: DbSession) -> Agent:
    agent = await get_tenant_agent(db, agent_id, user)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if field in UPDATABLE_FIELDS:
            setattr(agent, field, value)
    await db.commit()
    await db.refresh(agent)
    return agent


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_agent(agent_id: uuid.UUID, user: CurrentUser, db: DbSession) -> None:
    agent = await get_tenant_agent(db, agent_id, user)
    if agent.owner_id != user.id:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Only the owner can delete an agent")
    await db.delete(agent)
    await db.commit()
