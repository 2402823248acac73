from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.v1.endpoints import auth_extended, health, identity, marketplace, training, users, webhooks
from app.core.config import settings
from app.middleware.rate_limit import RateLimitMiddleware

app = FastAPI(title="ActorHub API", version="0.9.0")
app.add_middleware(RateLimitMiddleware)
app.add_middleware(
    CORSMiddleware,
    allow_origins=[settings.FRONTEND_URL],
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

app.include_router(health.router, prefix="/api/v1")
app.include_router(auth_extended.router, prefix="/api/v1")
app.include_router(users.router, prefix="/api/v1")
app.include_router(identity.router, prefix="/api/v1")
app.include_router(marketplace.router, prefix="/api/v1")
app.include_router(training.router, prefix="/api/v1")
app.include_router(webhooks.router, prefix="/api/v1")
