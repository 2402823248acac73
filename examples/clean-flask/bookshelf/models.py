"""Database models."""
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login_manager


def _now():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    plan: Mapped[str] = mapped_column(Enum("free", "reader", name="plan"), default="free")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)

    books: Mapped[list["Book"]] = relationship(back_populates="owner", cascade="all, delete-orphan")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active


class Book(db.Model):
    __tablename__ = "books"
    __table_args__ = (UniqueConstraint("owner_id", "isbn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200))
    isbn: Mapped[str | None] = mapped_column(String(17))
    status: Mapped[str] = mapped_column(Enum("to-read", "reading", "finished", name="reading_status"), default="to-read")
    notes: Mapped[str] = mapped_column(Text, default="")
    cover_filename: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=_now)

    owner: Mapped[User] = relationship(back_populates="books")


class ProcessedStripeEvent(db.Model):
    __tablename__ = "processed_stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(default=_now)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))
