"""Avatar Engine: real-time facial animation over WebSockets."""
import logging

from fastapi import FastAPI, WebSocket
from fastapi.middleware.cors import CORSMiddleware

from backend.routers import avatars
from backend.websocket.handler import handle_avatar_socket

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger("avatar-engine")

app = FastAPI(title="Avatar Engine", version="0.4.0")

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(avatars.router)


@app.get("/health")
async def health():
    return {"status": "ok", "version": app.version}


@app.websocket("/ws/avatar/{avatar_id}")
async def avatar_socket(websocket: WebSocket, avatar_id: str):
    await handle_avatar_socket(websocket, avatar_id)
