import secrets
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from app.auth import create_access_token
from app.config import get_settings

PROTECTED = [
    ("get", "/api/agents"),
    ("post", "/api/agents"),
    ("get", "/api/sessions"),
    ("post", "/api/sessions/generate"),
    ("get", f"/api/agents/{uuid.uuid4()}/avatar"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_routes_require_a_token(client, method, path):
    response = client.request(method, path)
    assert response.status_code == 401


def test_token_signed_with_another_key_is_rejected(client, active_user):
    forged = jwt.encode(
        {"sub": str(active_user.id), "aud": get_settings().jwt_audience, "exp": datetime.now(timezone.utc) + timedelta(minutes=5)},
        secrets.token_urlsafe(32),
        algorithm="HS256",
    )
    response = client.get("/api/agents", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_unsigned_token_is_rejected(client, active_user):
    unsigned = jwt.encode({"sub": str(active_user.id), "aud": get_settings().jwt_audience}, None, algorithm="none")
    response = client.get("/api/agents", headers={"Authorization": f"Bearer {unsigned}"})
    assert response.status_code == 401


def test_expired_token_is_rejected(client, active_user):
    settings = get_settings()
    expired = jwt.encode(
        {"sub": str(active_user.id), "aud": settings.jwt_audience, "exp": datetime.now(timezone.utc) - timedelta(minutes=1)},
        settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    response = client.get("/api/agents", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401


def test_valid_token_reaches_tenant_scoped_lookup(client, active_user):
    token, _ = create_access_token(active_user)
    response = client.get(f"/api/sessions/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


def test_internal_routes_reject_wrong_key(client):
    response = client.post("/internal/sessions/purge-expired", headers={"X-Internal-Key": "wrong"})
    assert response.status_code == 403
