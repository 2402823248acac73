"""Mindful API — guided meditation and affirmation sessions powered by AI personas."""
import logging

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from config import settings
from db import close_pool, init_pool
from routers import admin, agents, avatar, sessions, webhooks

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
)
logger = logging.getLogger("mindful")

app = FastAPI(
    title="Mindful API",
    description="Personas, affirmation scripts and audio sessions for the Mindful app.",
    version="0.4.2",
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["http://localhost:3000", "http://localhost:3001"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.mount("/static", StaticFiles(directory="static"), name="static")

app.include_router(agents.router)
app.include_router(sessions.router)
app.include_router(avatar.router)
app.include_router(admin.router)
app.include_router(webhooks.router)


@app.on_event("startup")
async def on_startup() -> None:
    await init_pool(settings.database_url)
    logger.info("Mindful API started (model=%s)", settings.openai_model)


@app.on_event("shutdown")
async def on_shutdown() -> None:
    await close_pool()


@app.get("/")
async def root() -> dict:
    return {"name": settings.app_name, "version": app.version}


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True)
