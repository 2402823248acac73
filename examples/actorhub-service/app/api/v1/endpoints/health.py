from fastapi import APIRouter

from app.core.config import settings

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict:
    return {"status": "ok", "environment": settings.ENVIRONMENT, "debug": settings.DEBUG, "version": "0.9.0"}
