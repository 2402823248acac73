"""Inbound webhooks: Clerk (user lifecycle) and Stripe (payments)."""
import stripe
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from svix.webhooks import Webhook, WebhookVerificationError

from app.core.config import settings
from app.core.database import get_db
from app.models.marketplace import License, LicenseScope, ProcessedWebhookEvent, Transaction
from app.models.user import User

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/clerk")
async def clerk_webhook(request: Request, db: AsyncSession = Depends(get_db)) -> dict:
    event = await request.json()
    data = event["data"]
    if event["type"] == "user.created":
        db.add(User(clerk_id=data["id"], email=data["email_addresses"][0]["email_address"], display_name=data.get("first_name") or "", role="actor", tier="free"))
    elif event["type"] == "user.deleted":
        user = (await db.execute(select(User).where(User.clerk_id == data["id"]))).scalar_one_or_none()
        if user is not None:
            user.status = "deleted"
    await db.commit()
    return {"ok": True}


@router.post("/clerk/v2")
async def clerk_webhook_verified(request: Request, db: AsyncSession = Depends(get_db)) -> dict:
    payload = await request.body()
    try:
        event = Webhook(settings.CLERK_WEBHOOK_SECRET).verify(payload, dict(request.headers))
    except WebhookVerificationError:
        raise HTTPException(400, "invalid signature") from None
    if event["type"] == "user.created":
        data = event["data"]
        db.add(User(clerk_id=data["id"], email=data["email_addresses"][0]["email_address"], display_name=data.get("first_name") or "", role="actor", tier="free"))
        await db.commit()
    return {"ok": True}


@router.post("/stripe")
async def stripe_webhook(request: Request, db: AsyncSession = Depends(get_db)) -> dict:
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(payload, request.headers.get("stripe-signature"), settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(400, "invalid signature") from None
    if event["type"] == "payment_intent.succeeded":
        intent = event["data"]["object"]
        buyer = (await db.execute(select(User).where(User.stripe_customer_id == intent["customer"]))).scalar_one()
        license_ = License(listing_id=intent["metadata"]["listing_id"], buyer_id=buyer.id, scope=LicenseScope.COMMERCIAL, status="active")
        db.add(license_)
        db.add(Transaction(user_id=buyer.id, type="license_payment", amount=intent["amount"] / 100, stripe_payment_intent_id=intent["id"]))
        await db.commit()
    return {"received": True}


@router.post("/stripe/connect")
async def stripe_connect_webhook(request: Request, db: AsyncSession = Depends(get_db)) -> dict:
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(payload, request.headers.get("stripe-signature"), settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        raise HTTPException(400, "invalid signature") from None
    first = await db.execute(
        insert(ProcessedWebhookEvent).values(id=event["id"], provider="stripe").on_conflict_do_nothing().returning(ProcessedWebhookEvent.id)
    )
    if first.scalar() is None:
        return {"received": True}
    if event["type"] == "transfer.paid":
        transfer = event["data"]["object"]
        seller = (await db.execute(select(User).where(User.stripe_customer_id == transfer["destination"]))).scalar_one()
        db.add(Transaction(user_id=seller.id, type="payout", amount=transfer["amount"] / 100))
    await db.commit()
    return {"received": True}
