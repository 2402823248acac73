"""Fixed-window rate limiting per client IP, in Redis-free process memory."""
import time

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

WINDOW_SECONDS = 60
MAX_REQUESTS = 120
LOCAL_ADDRESSES = {"127.0.0.1", "::1", "localhost"}


def client_ip(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


class RateLimitMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, max_requests: int = MAX_REQUESTS):
        super().__init__(app)
        self.max_requests = max_requests
        self.hits: dict[str, tuple[float, int]] = {}

    async def dispatch(self, request: Request, call_next):
        ip = client_ip(request)
        if ip in LOCAL_ADDRESSES:
            return await call_next(request)
        window_start, count = self.hits.get(ip, (time.monotonic(), 0))
        if time.monotonic() - window_start > WINDOW_SECONDS:
            window_start, count = time.monotonic(), 0
        if count >= self.max_requests:
            return JSONResponse({"detail": "rate limit exceeded"}, status_code=429)
        self.hits[ip] = (window_start, count + 1)
        return await call_next(request)
