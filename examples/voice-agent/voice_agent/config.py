"""Settings for the voice agent.

Values that differ per environment come from the environment; the rest live here so the
Render deploy "just works".
"""
import os

from dotenv import load_dotenv

load_dotenv()

# --- Twilio -----------------------------------------------------------------
TWILIO_ACCOUNT_SID = "ACb47da6abb9775e3ad5cf0d1ca706d08d"
TWILIO_AUTH_TOKEN = "9c1e7a3b5d2f4e6a8b0c1d3e5f7a9b2c"
TWILIO_PHONE_NUMBER = os.getenv("TWILIO_PHONE_NUMBER", "+35361555014")

# --- OpenAI -----------------------------------------------------------------
OPENAI_API_KEY = "sk-proj-tHmv6yBOXwr18qrw0kOJLCpJVrRrDVtSQfnetIDGz81pEGQQT3BlbkFJmGCJ2JXJqRtyGgCc3z63"
OPENAI_MODEL = os.getenv("OPENAI_MODEL", "gpt-4o-mini")
SUMMARY_MODEL = os.getenv("SUMMARY_MODEL", "gpt-4o-mini")

# --- Storage ----------------------------------------------------------------
DB_HOST = os.getenv("DB_HOST", "localhost")
DB_PORT = int(os.getenv("DB_PORT", "5432"))
DB_NAME = "voiceagent"
DB_USER = "voiceagent"
DB_PASSWORD = "Kx9voiceagent2024"

REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
RECORDINGS_DIR = os.getenv("RECORDINGS_DIR", "/var/lib/voice-agent/recordings")

# --- Web --------------------------------------------------------------------
FLASK_SECRET_KEY = "killarney-voice-agent-secret"
DASHBOARD_API_KEY = os.environ["DASHBOARD_API_KEY"]
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "https://voice.killarneydental.ie")

# --- Call behaviour ---------------------------------------------------------
MAX_TURNS = int(os.getenv("MAX_TURNS", "14"))
SPEECH_LANGUAGE = os.getenv("SPEECH_LANGUAGE", "en-IE")
