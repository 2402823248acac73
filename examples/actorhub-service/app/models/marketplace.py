"""Listings of actor packs, the licenses studios buy, and the money that moves."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedAtMixin


class LicenseScope(str, enum.Enum):
    PERSONAL = "personal"
    COMMERCIAL = "commercial"
    BROADCAST = "broadcast"


class Listing(CreatedAtMixin, Base):
    __tablename__ = "listings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    actor_pack_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actor_packs.id"), index=True)
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    price_cents: Mapped[int] = mapped_column(Integer)


class License(CreatedAtMixin, Base):
    __tablename__ = "licenses"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    listing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("listings.id"))
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    scope: Mapped[LicenseScope] = mapped_column(Enum(LicenseScope, name="license_scope"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Transaction(CreatedAtMixin, Base):
    __tablename__ = "transactions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    license_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("licenses.id"))
    type: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Numeric(10, 2))
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(64))


class ProcessedWebhookEvent(Base):
    """Provider event ids already applied, so a redelivered event is skipped."""

    __tablename__ = "processed_webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
