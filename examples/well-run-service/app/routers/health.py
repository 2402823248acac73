"""Liveness and readiness probes (public by design, exempt from rate limits)."""
from fastapi import APIRouter, Request, Response, status
from sqlalchemy import text

from app.db import engine
from app.rate_limit import limiter

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
@limiter.exempt
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
@limiter.exempt
async def readyz(request: Request, response: Response) -> dict[str, str]:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "database unavailable"}
    return {"status": "ok"}
