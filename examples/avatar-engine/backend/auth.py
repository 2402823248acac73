"""API key check for the REST endpoints."""
from fastapi import Header, HTTPException

from backend.config import settings


async def verify_api_key(x_api_key: str = Header(default="")) -> str:
    if x_api_key != settings.api_key:
        raise HTTPException(status_code=401, detail="Invalid API key")
    return x_api_key
