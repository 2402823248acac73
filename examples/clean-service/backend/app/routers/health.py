"""Liveness/readiness probe. Public by design; returns no data beyond a status."""
from fastapi import APIRouter, HTTPException
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import DbSession
from app.rate_limit import limiter

router = APIRouter(tags=["health"])


@router.get("/healthz")
@limiter.exempt
async def healthz(db: DbSession) -> dict[str, str]:
    try:
        await db.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise HTTPException(status_code=503, detail="database unavailable") from None
    return {"status": "ok"}
