"""Settings for the avatar engine, read from the environment (and .env in development)."""
from typing import List

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    cors_origins: List[str] = ["http://localhost:3000", "http://localhost:8013"]
    api_key: str = "development-key"  # Override with env var
    max_fps: int = 60
    compression_threshold: float = 0.01
    model_dir: str = "models"


settings = Settings()
