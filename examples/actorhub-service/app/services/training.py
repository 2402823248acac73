"""Training of actor packs: LoRA fine-tuning, motion capture and the quality report."""
from app.models.identity import ActorPack


def assess_quality(pack: ActorPack) -> dict:
    # mock scores until the embedding comparison is built
    return {"quality_score": 0.87, "consistency": 0.91, "lighting": "good", "images_used": 24}


async def train_lora(pack: ActorPack, image_keys: list[str]) -> str:
    raise NotImplementedError("LoRA training not implemented")


async def extract_motion(video_key: str) -> dict:
    # TODO: run pose estimation; placeholder keypoints for now
    return {"frames": 0, "keypoints": []}
