"""Test settings: throwaway secrets, an in-memory SQLite database and a fake identity provider."""
import os
import secrets
import uuid
from collections.abc import AsyncIterator

import pytest

os.environ.setdefault("DATABASE_URL", "sqlite+aiosqlite:///:memory:")
os.environ.setdefault("REDIS_URL", "memory://")
os.environ.setdefault("JWT_ISSUER", "https://auth.test/")
os.environ.setdefault("JWT_AUDIENCE", "invoicing-api")
os.environ.setdefault("JWKS_URL", "https://auth.test/.well-known/jwks.json")
os.environ.setdefault("ENVIRONMENT", "development")

from httpx import ASGITransport, AsyncClient  # noqa: E402

from app.auth import Principal, get_principal  # noqa: E402
from app.db import engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402

TENANT = uuid.uuid4()


@pytest.fixture
def principal() -> Principal:
    return Principal(user_id=uuid.uuid4(), tenant_id=TENANT, scopes=frozenset({"invoices:write"}))


@pytest.fixture
async def client(principal: Principal) -> AsyncIterator[AsyncClient]:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    app.dependency_overrides[get_principal] = lambda: principal
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers={"X-Request-Id": secrets.token_hex(8)}) as c:
        yield c
    app.dependency_overrides.clear()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
