"""Settings read from the environment."""
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    ENVIRONMENT: str = "production"
    DEBUG: bool = False
    DATABASE_URL: str = "postgresql+asyncpg://actorhub@localhost/actorhub"
    JWT_SECRET: str
    CLERK_WEBHOOK_SECRET: str = ""
    STRIPE_SECRET_KEY: str = ""
    STRIPE_WEBHOOK_SECRET: str = ""
    QDRANT_URL: str | None = None
    S3_BUCKET: str = "actorhub-media"
    FRONTEND_URL: str = "https://app.actorhub.example"
    TRAINING_MOCK: bool = True


settings = Settings()
