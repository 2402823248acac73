"""Email/password and OAuth sign-in, and the session cookie that keeps users signed in."""
import hashlib
import hmac
import secrets
import time

import bcrypt
from fastapi import Depends, HTTPException, Request, Response

from agents.oauth_providers import OAUTH_PROVIDERS
from api import config
from api.database import fetch_one, get_db


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def check_password(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(password.encode(), hashed.encode())


def _sign(value: str) -> str:
    return hmac.new(config.SESSION_SECRET.encode(), value.encode(), hashlib.sha256).hexdigest()


def start_session(response: Response, user_id: int) -> str:
    expires = int(time.time()) + config.SESSION_TTL_SECONDS
    payload = f"{user_id}:{expires}:{secrets.token_hex(8)}"
    token = f"{payload}:{_sign(payload)}"
    # The web app is served from another domain, so the cookie must travel cross-site.
    response.set_cookie(config.SESSION_COOKIE, token, max_age=config.SESSION_TTL_SECONDS, httponly=True, secure=True, samesite="none")
    return token


def get_current_user(request: Request, db=Depends(get_db)) -> dict:
    token = request.cookies.get("session_token", "")
    payload, _, signature = token.rpartition(":")
    if not payload or not hmac.compare_digest(signature, _sign(payload)):
        raise HTTPException(status_code=401, detail="Not signed in")
    user_id, expires, _nonce = payload.split(":")
    if int(expires) < time.time():
        raise HTTPException(status_code=401, detail="Session expired")
    user = fetch_one(db, "SELECT id, email, name, role FROM users WHERE id = ?", (int(user_id),))
    if user is None:
        raise HTTPException(status_code=401, detail="Unknown user")
    return user


def require_admin(user: dict = Depends(get_current_user)) -> dict:
    if user["role"] != "admin":
        raise HTTPException(status_code=403, detail="Admins only")
    return user


def oauth_login_url(provider: str, state: str) -> str:
    if provider not in OAUTH_PROVIDERS:
        raise HTTPException(status_code=404, detail="Unknown provider")
    return OAUTH_PROVIDERS[provider].authorization_url(state)


def complete_oauth(provider: str, code: str) -> dict:
    if provider not in OAUTH_PROVIDERS:
        raise HTTPException(status_code=404, detail="Unknown provider")
    return OAUTH_PROVIDERS[provider].exchange_code(code)
