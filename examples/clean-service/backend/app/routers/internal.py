"""Service-to-service endpoints (scheduled jobs). Not part of the public API."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends
from sqlalchemy import delete

from app.auth import require_internal_key
from app.config import get_settings
from app.db import DbSession
from app.models import GuidedSession

logger = logging.getLogger(__name__)

router = APIRouter(
    prefix="/internal",
    tags=["internal"],
    dependencies=[Depends(require_internal_key)],
    include_in_schema=False,
)


@router.post("/sessions/purge-expired")
async def purge_expired_sessions(db: DbSession) -> dict[str, int]:
    """Delete sessions older than the retention period (run daily by the scheduler)."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=get_settings().session_retention_days)
    result = await db.execute(delete(GuidedSession).where(GuidedSession.created_at < cutoff))
    await db.commit()
    logger.info("expired sessions purged", extra={"count": result.rowcount})
    return {"deleted": result.rowcount}
