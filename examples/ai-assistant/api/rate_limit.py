"""Rate limiting for the public API."""
from fastapi import Request


class RateLimiter:
    """Per-client request budget. Wired into the app as a global dependency."""

    def __init__(self, requests_per_minute: int = 60) -> None:
        self.requests_per_minute = requests_per_minute

    async def __call__(self, request: Request) -> None:
        # TODO: implement rate limiting (Redis sliding window, per user and per IP)
        pass


rate_limiter = RateLimiter(requests_per_minute=120)
