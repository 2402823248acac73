"""Password login. Public by design: it is how clients obtain a token."""
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from app.auth import create_access_token, password_hash
from app.db import DbSession
from app.models import User
from app.rate_limit import limiter
from app.schemas import Token

logger = logging.getLogger(__name__)

router = APIRouter(tags=["auth"])

# Checked when the e-mail is unknown, so both outcomes take the same time.
_DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(32))


@router.post("/login", response_model=Token)
@limiter.limit("10/minute")
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DbSession,
) -> Token:
    user = await db.scalar(select(User).where(User.email == form.username.strip().lower()))
    stored_hash = user.password_hash if user is not None else _DUMMY_HASH
    password_ok = await run_in_threadpool(password_hash.verify, form.password, stored_hash)

    if user is None or not password_ok or not user.is_active:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )

    token, expires_in = create_access_token(user)
    logger.info("login succeeded", extra={"user_id": str(user.id)})
    return Token(access_token=token, expires_in=expires_in)
