"""Settings from the environment. Secrets and endpoints have no defaults: a missing one stops start-up."""
from functools import lru_cache
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "staging", "production"] = "production"
    log_level: str = "INFO"

    database_url: SecretStr
    redis_url: str

    jwt_issuer: str
    jwt_audience: str
    jwks_url: str

    cors_origins: list[str] = []
    sentry_dsn: SecretStr | None = None
    git_sha: str = "unknown"


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]
