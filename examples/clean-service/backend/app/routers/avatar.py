"""Agent avatars. Files are stored outside any served directory under random names
and only returned through the authenticated endpoint below."""
import uuid

import anyio
from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from fastapi.responses import FileResponse

from app.auth import CurrentUser, get_current_user
from app.config import get_settings
from app.db import DbSession
from app.routers.agents import get_tenant_agent

router = APIRouter(prefix="/api/agents", tags=["avatars"], dependencies=[Depends(get_current_user)])

ALLOWED_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}


def sniff_image_type(head: bytes) -> str | None:
    """Return the file extension for a supported image, judged by its magic bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    return None


@router.put("/{agent_id}/avatar", status_code=status.HTTP_201_CREATED)
async def upload_avatar(agent_id: uuid.UUID, file: UploadFile, user: CurrentUser, db: DbSession) -> dict[str, str]:
    settings = get_settings()
    agent = await get_tenant_agent(db, agent_id, user)

    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="Use PNG, JPEG or WebP")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail="Avatar is too large")
    extension = sniff_image_type(data[:16])
    if extension is None:
        raise HTTPException(status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="File is not a valid image")

    key = f"{uuid.uuid4().hex}{extension}"
    await anyio.Path(settings.upload_dir / key).write_bytes(data)

    old_key = agent.avatar_key
    agent.avatar_key = key
    await db.commit()
    if old_key:
        await anyio.Path(settings.upload_dir / old_key).unlink(missing_ok=True)
    return {"avatar": f"/api/agents/{agent.id}/avatar"}


@router.get("/{agent_id}/avatar")
async def get_avatar(agent_id: uuid.UUID, user: CurrentUser, db: DbSession) -> FileResponse:
    agent = await get_tenant_agent(db, agent_id, user)
    if agent.avatar_key is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No avatar")
    extension = agent.avatar_key[agent.avatar_key.rfind(".") :]
    return FileResponse(
        get_settings().upload_dir / agent.avatar_key,
        media_type=MEDIA_TYPES[extension],
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
