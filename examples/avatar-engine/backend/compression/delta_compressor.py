"""Delta compression: send only the blendshapes that changed more than a threshold."""
from backend.config import settings


class DeltaCompressor:
    def __init__(self, threshold: float = settings.compression_threshold) -> None:
        self.threshold = threshold
        self.previous: dict[str, dict[str, float]] = {}

    def compress_frame(self, stream_id: str, frame: dict[str, float]) -> dict[str, float]:
        last = self.previous.get(stream_id, {})
        delta = {name: round(value, 4) for name, value in frame.items() if abs(value - last.get(name, 0.0)) > self.threshold}
        self.previous[stream_id] = {**last, **delta}
        return delta

    def decompress_frame(self, stream_id: str, delta: dict[str, float]) -> dict[str, float]:
        merged = {**self.previous.get(stream_id, {}), **delta}
        self.previous[stream_id] = merged
        return merged

    def reset(self, stream_id: str) -> None:
        self.previous.pop(stream_id, None)


compressor = DeltaCompressor()
