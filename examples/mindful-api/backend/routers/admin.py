"""Operator tools used from the internal dashboard."""
import logging

from fastapi import APIRouter

from db import get_pool
from routers.agents import DEFAULT_TENANT_ID

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users")
async def list_users(limit: int = 100, offset: int = 0) -> list[dict]:
    pool = get_pool()
    rows = await pool.fetch(
        """
        SELECT id, tenant_id, email, display_name, plan, stripe_customer_id, created_at
        FROM users ORDER BY created_at DESC LIMIT $1 OFFSET $2
        """,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


@router.get("/stats")
async def usage_stats() -> dict:
    pool = get_pool()
    row = await pool.fetchrow(
        """
        SELECT
            (SELECT count(*) FROM users) AS users,
            (SELECT count(*) FROM agents) AS agents,
            (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM sessions WHERE created_at > now() - interval '1 day') AS sessions_24h
        """
    )
    return dict(row)


@router.post("/reset-tenant")
async def reset_tenant(tenant_id: str = DEFAULT_TENANT_ID) -> dict:
    """Wipe a tenant's sessions and agents (used to reset demo accounts)."""
    pool = get_pool()
    async with pool.acquire() as conn:
        async with conn.transaction():
            sessions_deleted = await conn.execute("DELETE FROM sessions WHERE tenant_id = $1", tenant_id)
            agents_deleted = await conn.execute("DELETE FROM agents WHERE tenant_id = $1", tenant_id)
    logger.warning("Tenant %s reset: %s, %s", tenant_id, sessions_deleted, agents_deleted)
    return {"tenant_id": tenant_id, "status": "reset"}
