"""REST endpoints to manage avatars and their expression presets."""
import json
import os
import uuid

from fastapi import APIRouter, Depends, HTTPException, Request

from backend.auth import verify_api_key
from backend.config import settings

router = APIRouter(prefix="/api/avatars", dependencies=[Depends(verify_api_key)])

AVATARS: dict[str, dict] = {}


@router.get("")
async def list_avatars():
    return list(AVATARS.values())


@router.post("")
async def create_avatar(request: Request):
    body = await request.json()
    avatar_id = uuid.uuid4().hex
    AVATARS[avatar_id] = {"id": avatar_id, "name": body.get("name"), "model": body.get("model"), "presets": {}}
    return AVATARS[avatar_id]


@router.put("/{avatar_id}/presets/{preset}")
async def save_preset(avatar_id: str, preset: str, request: Request):
    if avatar_id not in AVATARS:
        raise HTTPException(status_code=404, detail="Unknown avatar")
    AVATARS[avatar_id]["presets"][preset] = await request.json()
    return AVATARS[avatar_id]


@router.get("/{avatar_id}/model")
async def model_manifest(avatar_id: str):
    avatar = AVATARS.get(avatar_id)
    if avatar is None:
        raise HTTPException(status_code=404, detail="Unknown avatar")
    with open(os.path.join(settings.model_dir, f"{avatar['model']}.json")) as f:
        return json.load(f)


@router.delete("/{avatar_id}")
async def delete_avatar(avatar_id: str):
    AVATARS.pop(avatar_id, None)
    return {"deleted": avatar_id}
