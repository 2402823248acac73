"""Stripe billing webhooks. Public by design: every request is verified by its signature."""
import logging
import uuid

import stripe
from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.config import get_settings
from app.db import DbSession
from app.models import Plan, ProcessedWebhookEvent, Tenant

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/stripe")
async def stripe_webhook(request: Request, db: DbSession) -> dict[str, bool]:
    settings = get_settings()
    payload = await request.body()
    sig_header = request.headers.get("stripe-signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, sig_header, settings.stripe_webhook_secret.get_secret_value()
        )
    except (ValueError, stripe.SignatureVerificationError):
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="Invalid payload or signature") from None

    # Stripe retries deliveries; the primary key makes each event apply once.
    db.add(ProcessedWebhookEvent(id=event["id"], event_type=event["type"]))
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        return {"received": True}

    obj = event["data"]["object"]
    if event["type"] == "checkout.session.completed" and obj.get("client_reference_id"):
        await db.execute(
            update(Tenant)
            .where(Tenant.id == uuid.UUID(obj["client_reference_id"]))
            .values(plan=Plan.premium, stripe_customer_id=obj["customer"])
        )
    elif event["type"] == "customer.subscription.deleted":
        await db.execute(update(Tenant).where(Tenant.stripe_customer_id == obj["customer"]).values(plan=Plan.free))
    await db.commit()

    logger.info("stripe event processed", extra={"event_id": event["id"], "event_type": event["type"]})
    return {"received": True}
