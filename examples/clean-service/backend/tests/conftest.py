import os
import secrets
import uuid

# Settings are read at import time; give the app a throwaway configuration.
os.environ.update(
    {
        "ENVIRONMENT": "development",
        "DATABASE_URL": "postgresql+asyncpg://mindful@localhost:5432/mindful_test",
        "REDIS_URL": "memory://",
        "JWT_SECRET": secrets.token_urlsafe(32),
        "OPENAI_API_KEY": secrets.token_urlsafe(24),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
        "INTERNAL_API_KEY": secrets.token_urlsafe(32),
        "UPLOAD_DIR": "/tmp/mindful-test-uploads",
    }
)

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from app.db import get_session  # noqa: E402
from app.main import app  # noqa: E402
from app.models import User  # noqa: E402


class FakeSession:
    """Just enough of AsyncSession for requests that never reach real queries."""

    def __init__(self, users: dict[uuid.UUID, User] | None = None, healthy: bool = True):
        self.users = users or {}
        self.healthy = healthy

    async def get(self, model, ident):
        return self.users.get(ident)

    async def scalar(self, stmt):
        return None

    async def execute(self, stmt):
        if not self.healthy:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return None


@pytest.fixture
def fake_db():
    session = FakeSession()
    app.dependency_overrides[get_session] = lambda: session
    yield session
    app.dependency_overrides.clear()


@pytest.fixture
def client(fake_db):
    return TestClient(app)


@pytest.fixture
def active_user(fake_db) -> User:
    user = User(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        email="listener@example.com",
        password_hash="unused",
        is_active=True,
    )
    fake_db.users[user.id] = user
    return user
