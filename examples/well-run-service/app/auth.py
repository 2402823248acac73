"""Bearer tokens issued by the company identity provider, verified against its published keys."""
import uuid
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import get_settings

bearer = HTTPBearer(auto_error=False)
_jwks = jwt.PyJWKClient(get_settings().jwks_url, cache_keys=True, lifespan=3600)


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    scopes: frozenset[str]


_unauthorized = HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"})


async def get_principal(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    if credentials is None:
        raise _unauthorized
    settings = get_settings()
    try:
        key = _jwks.get_signing_key_from_jwt(credentials.credentials)
        claims = jwt.decode(
            credentials.credentials,
            key.key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
        return Principal(uuid.UUID(claims["sub"]), uuid.UUID(claims["tid"]), frozenset(claims.get("scope", "").split()))
    except (jwt.PyJWTError, KeyError, ValueError):
        raise _unauthorized from None


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_scope(scope: str):  # type: ignore[no-untyped-def]
    async def check(principal: CurrentPrincipal) -> Principal:
        if scope not in principal.scopes:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail=f"Missing scope {scope}")
        return principal

    return check
