"""Audio to viseme mapping for lip sync."""


def visemes_for_audio(chunk: str, sample_rate: int) -> list[dict]:
    # TODO: wire the WebRTC audio pipeline (backend/core/webrtc_handler.py)
    raise NotImplementedError("audio lip sync is not implemented yet")
