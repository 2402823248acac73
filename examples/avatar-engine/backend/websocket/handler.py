"""WebSocket protocol: clients stream ARKit blendshapes, the engine broadcasts compressed frames.

Messages are plain JSON objects with a "type" key: "animation", "audio", "control".
"""
import logging
import time

from fastapi import WebSocket, WebSocketDisconnect

from backend.animation.blendshapes import clamp_blendshapes
from backend.animation.lipsync import visemes_for_audio
from backend.compression.delta_compressor import compressor

logger = logging.getLogger("avatar-engine.ws")

active_connections: dict[str, list[WebSocket]] = {}
frame_counters: dict[str, int] = {}


async def handle_avatar_socket(websocket: WebSocket, avatar_id: str) -> None:
    await websocket.accept()
    active_connections.setdefault(avatar_id, []).append(websocket)
    try:
        while True:
            message = await websocket.receive_json()
            kind = message.get("type")
            if kind == "animation":
                frame = clamp_blendshapes(message["blendshapes"])
                delta = compressor.compress_frame(avatar_id, frame)
                frame_counters[avatar_id] = frame_counters.get(avatar_id, 0) + 1
                await broadcast(avatar_id, {"type": "animation", "seq": frame_counters[avatar_id], "ts": time.time(), "data": delta})
            elif kind == "audio":
                visemes = visemes_for_audio(message["chunk"], message.get("sample_rate", 16000))
                await broadcast(avatar_id, {"type": "visemes", "data": visemes})
            elif kind == "control":
                print(f"control message for {avatar_id}: {message}")
                await websocket.send_json({"type": "ack", "action": message.get("action")})
            else:
                await websocket.send_json({"type": "error", "error": f"unknown message type {kind}"})
    except WebSocketDisconnect:
        active_connections[avatar_id].remove(websocket)
        if not active_connections[avatar_id]:
            del active_connections[avatar_id]
            compressor.reset(avatar_id)


async def broadcast(avatar_id: str, payload: dict) -> None:
    for connection in list(active_connections.get(avatar_id, [])):
        await connection.send_json(payload)
