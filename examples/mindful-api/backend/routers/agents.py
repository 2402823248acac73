"""Agent personas: the named voices (and prompts) that guide each session."""
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from db import get_pool

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/agents", tags=["agents"])

# Seed tenant and user created by schema.sql. Everything is scoped to these
# until account onboarding lands.
DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000001"
DEFAULT_USER_ID = "00000000-0000-0000-0000-000000000002"


class AgentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    voice_style: str = "calm"
    system_prompt: str = Field(min_length=1)
    language: str = "en"
    is_public: bool = False


@dataclass
class Agent:
    id: str
    tenant_id: str
    owner_id: str
    name: str
    voice_style: str
    system_prompt: str
    language: str
    is_public: bool
    avatar_url: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_record(cls, record: Any) -> "Agent":
        data = dict(record)
        data["id"] = str(data["id"])
        data["tenant_id"] = str(data["tenant_id"])
        data["owner_id"] = str(data["owner_id"])
        return cls(**data)


AGENT_SELECT = """
    SELECT id, tenant_id, owner_id, name, voice_style, system_prompt, language,
           is_public, avatar_url, created_at, updated_at
    FROM agents
"""


@router.get("")
async def list_agents(tenant_id: str = DEFAULT_TENANT_ID, include_public: bool = True) -> list[dict]:
    pool = get_pool()
    rows = await pool.fetch(
        AGENT_SELECT + " WHERE tenant_id = $1 OR ($2 AND is_public) ORDER BY created_at DESC",
        tenant_id,
        include_public,
    )
    return [asdict(Agent.from_record(r)) for r in rows]


@router.get("/{agent_id}")
async def get_agent(agent_id: str, tenant_id: str = DEFAULT_TENANT_ID) -> dict:
    pool = get_pool()
    row = await pool.fetchrow(AGENT_SELECT + " WHERE id = $1 AND tenant_id = $2", agent_id, tenant_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Agent not found")
    return asdict(Agent.from_record(row))


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_agent(agent: AgentCreate, tenant_id: str = DEFAULT_TENANT_ID) -> dict:
    pool = get_pool()
    row = await pool.fetchrow(
        """
        INSERT INTO agents (tenant_id, owner_id, name, voice_style, system_prompt, language, is_public)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING id, tenant_id, owner_id, name, voice_style, system_prompt, language,
                  is_public, avatar_url, created_at, updated_at
        """,
        tenant_id,
        DEFAULT_USER_ID,
        agent.name,
        agent.voice_style,
        agent.system_prompt,
        agent.language,
        agent.is_public,
    )
    logger.info("Created agent %s (%s)", row["id"], agent.name)
    return asdict(Agent.from_record(row))


@router.put("/{agent_id}")
async def update_agent(agent_id: str, payload: dict[str, Any]) -> dict:
    """Partial update: any field present in the body replaces the stored value."""
    pool = get_pool()
    tenant_id = payload.get("tenant_id", DEFAULT_TENANT_ID)
    row = await pool.fetchrow(AGENT_SELECT + " WHERE id = $1 AND tenant_id = $2", agent_id, tenant_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Agent not found")

    agent = Agent.from_record(row)
    for key, value in payload.items():
        setattr(agent, key, value)
    agent.updated_at = datetime.now(timezone.utc)

    await pool.execute(
        """
        UPDATE agents
        SET tenant_id = $2, owner_id = $3, name = $4, voice_style = $5, system_prompt = $6,
            language = $7, is_public = $8, avatar_url = $9, updated_at = $10
        WHERE id = $1
        """,
        agent.id,
        agent.tenant_id,
        agent.owner_id,
        agent.name,
        agent.voice_style,
        agent.system_prompt,
        agent.language,
        agent.is_public,
        agent.avatar_url,
        agent.updated_at,
    )
    return asdict(agent)


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_agent(agent_id: str, tenant_id: str = DEFAULT_TENANT_ID) -> None:
    pool = get_pool()
    result = await pool.execute("DELETE FROM agents WHERE id = $1 AND tenant_id = $2", agent_id, tenant_id)
    if result == "DELETE 0":
        raise HTTPException(status_code=404, detail="Agent not found")
