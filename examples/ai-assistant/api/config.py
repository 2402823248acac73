"""Settings read once from the environment."""
import os

APP_ENV = os.environ.get("APP_ENV", "production")
FRONTEND_ORIGIN = os.environ.get("FRONTEND_ORIGIN", "https://app.assistant.example")
SQLITE_PATH = os.environ.get("SQLITE_PATH", "data/assistant.db")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SESSION_SECRET = os.environ["SESSION_SECRET"]
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
SESSION_COOKIE = "session_token"
SESSION_TTL_SECONDS = 7 * 24 * 3600
