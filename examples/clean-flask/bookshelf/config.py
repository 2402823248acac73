"""Configuration read from the environment. Secrets have no defaults: a missing one stops the app."""
import os
from datetime import timedelta


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} must be set")
    return value


class Config:
    def __init__(self):
        self.SECRET_KEY = _required("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = _required("DATABASE_URL")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
        self.RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True

        self.STRIPE_SECRET_KEY = _required("STRIPE_SECRET_KEY")
        self.STRIPE_WEBHOOK_SECRET = _required("STRIPE_WEBHOOK_SECRET")
        self.STRIPE_PRICE_ID = _required("STRIPE_PRICE_ID")

        # Uploaded covers live outside the static folder and are served by an authenticated view.
        self.UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "/var/lib/bookshelf/covers")
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024

        self.SESSION_COOKIE_SECURE = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_DURATION = timedelta(days=14)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
        self.WTF_CSRF_TIME_LIMIT = 3600

