"""Password reset and email verification for accounts that sign in with a password."""
import secrets
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException
from passlib.context import CryptContext
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db
from app.models.user import User
from app.services.email import send_email

router = APIRouter(prefix="/auth", tags=["auth"])
passwords = CryptContext(schemes=["bcrypt"], deprecated="auto")


class ForgotPassword(BaseModel):
    email: EmailStr


class ResetPassword(BaseModel):
    email: EmailStr
    token: str
    new_password: str


class VerifyEmail(BaseModel):
    email: EmailStr
    token: str


@router.post("/forgot-password")
async def forgot_password(body: ForgotPassword, db: AsyncSession = Depends(get_db)) -> dict:
    user = (await db.execute(select(User).where(User.email == body.email))).scalar_one_or_none()
    if user is not None:
        user.password_reset_token = secrets.token_urlsafe(32)
        user.password_reset_expires = datetime.now(timezone.utc) + timedelta(hours=1)
        await db.commit()
        link = f"{settings.FRONTEND_URL}/reset?token={user.password_reset_token}"
        await send_email(user.email, "Reset your password", f"Reset it here: {link}")
    return {"sent": True}


@router.post("/reset-password")
async def reset_password(body: ResetPassword, db: AsyncSession = Depends(get_db)) -> dict:
    user = (await db.execute(select(User).where(User.email == body.email))).scalar_one_or_none()
    if user is None or user.password_reset_token is None:
        raise HTTPException(400, "invalid token")
    if user.password_reset_token != body.token:
        raise HTTPException(400, "invalid token")
    if user.password_reset_expires < datetime.now(timezone.utc):
        raise HTTPException(400, "token expired")
    user.password_hash = passwords.hash(body.new_password)
    user.password_reset_token = None
    await db.commit()
    return {"reset": True}


@router.post("/verify-email")
async def verify_email(body: VerifyEmail, db: AsyncSession = Depends(get_db)) -> dict:
    user = (await db.execute(select(User).where(User.email == body.email))).scalar_one_or_none()
    if user is None or user.email_verification_token is None:
        raise HTTPException(400, "invalid token")
    if not secrets.compare_digest(user.email_verification_token, body.token):
        raise HTTPException(400, "invalid token")
    user.email_verified = True
    user.email_verification_token = None
    await db.commit()
    return {"verified": True}
