"""Training actor packs and reading their quality report."""
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db
from app.core.security import get_current_user
from app.models.identity import ActorPack
from app.models.user import User
from app.services.training import assess_quality, extract_motion, train_lora

router = APIRouter(prefix="/packs", tags=["training"])


async def owned_pack(pack_id: uuid.UUID, user: User, db: AsyncSession) -> ActorPack:
    pack = await db.get(ActorPack, pack_id)
    if pack is None or pack.identity.user_id != user.id:
        raise HTTPException(404, "not found")
    return pack


@router.post("/{pack_id}/train")
async def start_training(pack_id: uuid.UUID, image_keys: list[str], user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    pack = await owned_pack(pack_id, user, db)
    if pack.training_status == "training":
        raise HTTPException(409, "already training")
    pack.training_status = "training"
    await db.commit()
    if settings.TRAINING_MOCK:
        pack.training_status = "completed"
    else:
        pack.lora_model_url = await train_lora(pack, image_keys)
        pack.training_status = "completed"
    await db.commit()
    return {"status": pack.training_status}


@router.get("/{pack_id}/quality")
async def quality_report(pack_id: uuid.UUID, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    pack = await owned_pack(pack_id, user, db)
    report = assess_quality(pack)
    pack.quality_score = report["quality_score"]
    await db.commit()
    return report


@router.post("/{pack_id}/motion")
async def motion_capture(pack_id: uuid.UUID, video_key: str, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    await owned_pack(pack_id, user, db)
    return await extract_motion(video_key)
