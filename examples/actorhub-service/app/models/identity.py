"""Verified identities of performers, the packs trained from them, and API usage of the packs."""
import uuid

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedAtMixin


class Identity(CreatedAtMixin, Base):
    __tablename__ = "identities"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    legal_name: Mapped[str] = mapped_column(String(200))
    face_image_url: Mapped[str | None] = mapped_column(Text)
    verification_status: Mapped[str] = mapped_column(String(20), default="pending")
    protection_level: Mapped[str] = mapped_column(String(20), default="standard")
    bio: Mapped[str | None] = mapped_column(Text)

    packs: Mapped[list["ActorPack"]] = relationship(back_populates="identity")


class ActorPack(CreatedAtMixin, Base):
    __tablename__ = "actor_packs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    identity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    training_status: Mapped[str] = mapped_column(String(32), default="pending")
    quality_score: Mapped[float | None] = mapped_column(Float)
    lora_model_url: Mapped[str | None] = mapped_column(Text)

    identity: Mapped[Identity] = relationship(back_populates="packs")


class UsageLog(CreatedAtMixin, Base):
    __tablename__ = "usage_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_keys.id"))
    actor_pack_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actor_packs.id"))
    license_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("licenses.id"))
    endpoint: Mapped[str] = mapped_column(String(120))
    credits_used: Mapped[int] = mapped_column(Integer, default=1)
