"""Avatar images for agent personas, served from /static/avatars."""
import logging
import os

from fastapi import APIRouter, File, HTTPException, UploadFile

from config import settings
from db import get_pool

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/agents", tags=["avatars"])

ALLOWED_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}


@router.post("/{agent_id}/avatar")
async def upload_avatar(agent_id: str, file: UploadFile = File(...)) -> dict:
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(status_code=400, detail=f"Unsupported file type: {file.content_type}")

    os.makedirs(settings.avatar_dir, exist_ok=True)
    destination = os.path.join(settings.avatar_dir, file.filename)
    contents = await file.read()
    with open(destination, "wb") as out:
        out.write(contents)

    avatar_url = f"/static/avatars/{file.filename}"
    pool = get_pool()
    await pool.execute("UPDATE agents SET avatar_url = $1, updated_at = now() WHERE id = $2", avatar_url, agent_id)
    logger.info("Saved avatar for agent %s (%d bytes)", agent_id, len(contents))
    return {"avatar_url": avatar_url}


@router.delete("/{agent_id}/avatar")
async def remove_avatar(agent_id: str) -> dict:
    pool = get_pool()
    await pool.execute("UPDATE agents SET avatar_url = NULL, updated_at = now() WHERE id = $1", agent_id)
    return {"ok": True}
