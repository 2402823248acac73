"""Rate limits shared by every replica through Redis."""
from slowapi import Limiter
from slowapi.util import get_remote_address

from app.config import get_settings

limiter = Limiter(key_func=get_remote_address, default_limits=["300/minute"], storage_uri=get_settings().redis_url)
