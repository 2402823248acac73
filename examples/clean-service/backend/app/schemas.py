"""Request and response bodies. Request models forbid unknown fields."""
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.models import SessionStatus, VoiceStyle


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class AgentCreate(StrictModel):
    name: str = Field(min_length=1, max_length=80)
    voice_style: VoiceStyle = VoiceStyle.calm
    system_prompt: str = Field(min_length=1, max_length=4000)
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    is_public: bool = False


class AgentUpdate(StrictModel):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    voice_style: VoiceStyle | None = None
    system_prompt: str | None = Field(default=None, min_length=1, max_length=4000)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    is_public: bool | None = None


class AgentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    voice_style: VoiceStyle
    system_prompt: str
    language: str
    is_public: bool
    created_at: datetime
    updated_at: datetime


class SessionCreate(StrictModel):
    agent_id: uuid.UUID
    intention: str = Field(min_length=3, max_length=500)
    duration_minutes: int = Field(default=10, ge=3, le=45)


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agent_id: uuid.UUID
    intention: str
    script: str | None
    status: SessionStatus
    created_at: datetime


class SessionRating(StrictModel):
    rating: int = Field(ge=1, le=5)
