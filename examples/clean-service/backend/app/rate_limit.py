"""Shared rate limiter. Counters live in Redis so limits hold across replicas."""
from slowapi import Limiter
from slowapi.util import get_remote_address

from app.config import get_settings

limiter = Limiter(
    key_func=get_remote_address,
    storage_uri=get_settings().redis_url,
    default_limits=["120/minute"],
)
