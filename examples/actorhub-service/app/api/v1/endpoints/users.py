"""The signed-in user's profile, API keys and session tokens."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends
from jose import jwt
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db
from app.core.security import get_current_user
from app.models.user import ApiKey, User

router = APIRouter(prefix="/users", tags=["users"])

ALLOWED_PROFILE_FIELDS = {"display_name"}


class ProfileUpdate(BaseModel):
    display_name: str | None = None
    model_config = {"extra": "allow"}


@router.get("/me")
async def me(user: User = Depends(get_current_user)) -> dict:
    return {"id": str(user.id), "email": user.email, "role": user.role, "tier": user.tier}


@router.patch("/me")
async def update_me(body: ProfileUpdate, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(user, field, value)
    await db.commit()
    return {"id": str(user.id), "role": user.role, "tier": user.tier}


@router.patch("/me/v2")
async def update_me_safely(body: ProfileUpdate, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    for field, value in body.model_dump(exclude_unset=True).items():
        if field in ALLOWED_PROFILE_FIELDS:
            setattr(user, field, value)
    await db.commit()
    return {"id": str(user.id)}


@router.post("/token/refresh")
async def refresh_token(user: User = Depends(get_current_user)) -> dict:
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    return {"access_token": jwt.encode({"sub": user.clerk_id, "exp": expires}, settings.JWT_SECRET, algorithm="HS256")}


@router.post("/me/api-keys")
async def create_api_key(name: str, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    raw = f"ah_{secrets.token_urlsafe(32)}"
    db.add(ApiKey(user_id=user.id, name=name, key_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:10]))
    await db.commit()
    return {"api_key": raw}


@router.get("/me/api-keys")
async def list_api_keys(user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> list[dict]:
    keys = (await db.execute(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None)))).scalars().all()
    return [{"id": str(k.id), "name": k.name, "prefix": k.prefix} for k in keys]
