from app.models.base import Base
from app.models.identity import ActorPack, Identity, UsageLog
from app.models.marketplace import License, Listing, ProcessedWebhookEvent, Transaction
from app.models.user import ApiKey, User

__all__ = ["ActorPack", "ApiKey", "Base", "Identity", "License", "Listing", "ProcessedWebhookEvent", "Transaction", "UsageLog", "User"]
