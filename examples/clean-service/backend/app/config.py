"""Settings are read from the environment. Secrets have no defaults: a missing one stops startup."""
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "staging", "production"] = "production"
    log_level: str = "INFO"

    database_url: SecretStr
    redis_url: str

    jwt_secret: SecretStr
    jwt_audience: str = "mindful-api"
    access_token_ttl_minutes: int = 30

    cors_origins: list[str] = []

    openai_api_key: SecretStr
    openai_model: str = "gpt-4o-mini"

    stripe_webhook_secret: SecretStr
    internal_api_key: SecretStr

    upload_dir: Path = Path("/var/lib/mindful/uploads")
    max_upload_bytes: int = 2 * 1024 * 1024

    session_retention_days: int = 90
    sentry_dsn: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
