"""Identity verification: performers register their face and legal name before they can sell packs."""
import asyncio
import uuid
from urllib.parse import urlparse

import httpx
from fastapi import APIRouter, Depends, HTTPException, UploadFile
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db
from app.core.security import get_current_user, require_admin
from app.models.identity import Identity
from app.models.user import User
from app.services.face_recognition import face_service
from app.services.storage import s3

router = APIRouter(prefix="/identity", tags=["identity"])

TRUSTED_IMAGE_HOSTS = {"images.clerk.dev", "img.clerk.com", "actorhub-media.s3.eu-west-1.amazonaws.com"}


class DetectFromUrl(BaseModel):
    image_url: str


class IdentityUpdate(BaseModel):
    legal_name: str | None = None
    bio: str | None = None
    model_config = {"extra": "allow"}


def embed(image: bytes) -> list[float]:
    return [b / 255 for b in image[:128]]


@router.post("/detect-face-url")
async def detect_face_from_url(body: DetectFromUrl, user: User = Depends(get_current_user)) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(body.image_url)
    matches = await face_service.search(embed(response.content))
    return {"matches": matches}


@router.post("/detect-face-url/v2")
async def detect_face_from_trusted_url(body: DetectFromUrl, user: User = Depends(get_current_user)) -> dict:
    parsed = urlparse(body.image_url)
    if parsed.scheme != "https" or parsed.hostname not in TRUSTED_IMAGE_HOSTS:
        raise HTTPException(400, "image must be hosted on a trusted domain")
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
        response = await client.get(body.image_url)
    return {"matches": await face_service.search(embed(response.content))}


@router.post("/face")
async def upload_face(image: UploadFile, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    data = await image.read()
    key = f"faces/{user.id}/{uuid.uuid4()}.jpg"
    s3.put_object(Bucket=settings.S3_BUCKET, Key=key, Body=data, ContentType="image/jpeg")
    identity = Identity(user_id=user.id, legal_name=user.display_name, face_image_url=key, verification_status="submitted")
    db.add(identity)
    await db.commit()
    await face_service.enroll(str(identity.id), embed(data))
    return {"identity_id": str(identity.id)}


@router.post("/face/v2")
async def upload_face_offloaded(image: UploadFile, user: User = Depends(get_current_user)) -> dict:
    data = await image.read()
    key = f"faces/{user.id}/{uuid.uuid4()}.jpg"
    await asyncio.to_thread(s3.put_object, Bucket=settings.S3_BUCKET, Key=key, Body=data, ContentType="image/jpeg")
    return {"key": key}


@router.patch("/{identity_id}")
async def update_identity(identity_id: uuid.UUID, body: IdentityUpdate, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    identity = (await db.execute(select(Identity).where(Identity.id == identity_id, Identity.user_id == user.id))).scalar_one_or_none()
    if identity is None:
        raise HTTPException(404, "not found")
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(identity, field, value)
    await db.commit()
    return {"id": str(identity.id), "verification_status": identity.verification_status}


@router.post("/{identity_id}/approve")
async def approve_identity(identity_id: uuid.UUID, db: AsyncSession = Depends(get_db), admin: User = Depends(require_admin)) -> dict:
    identity = await db.get(Identity, identity_id)
    if identity is None:
        raise HTTPException(404, "not found")
    if identity.verification_status == "submitted":
        identity.verification_status = "verified"
    elif identity.verification_status == "rejected":
        raise HTTPException(409, "rejected identities must re-submit")
    await db.commit()
    return {"verification_status": identity.verification_status}
