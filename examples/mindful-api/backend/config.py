"""Application settings, read from environment variables and the local .env file."""
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_name: str = "Mindful API"
    debug: bool = False

    secret_key: str = "development-secret-key"
    database_url: str = "postgresql://mindful:changeme@localhost:5432/mindful"

    openai_api_key: str = ""
    openai_model: str = "gpt-4o-mini"

    elevenlabs_api_key: str = ""
    elevenlabs_voice_id: str = ""

    # Shared with the audio render worker for its completion callbacks.
    internal_api_key: str = ""

    avatar_dir: str = "static/avatars"


settings = Settings()
