"""Browsing listings and buying licenses."""
import uuid

import stripe
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db
from app.core.security import get_current_user
from app.models.marketplace import License, LicenseScope, Listing, Transaction
from app.models.user import User

router = APIRouter(prefix="/marketplace", tags=["marketplace"])
stripe.api_key = settings.STRIPE_SECRET_KEY


@router.get("/listings")
async def browse(category: str | None = None, db: AsyncSession = Depends(get_db)) -> list[dict]:
    query = select(Listing).where(Listing.status == "published")
    if category:
        query = query.where(Listing.category == category)
    listings = (await db.execute(query.limit(50))).scalars().all()
    return [{"id": str(item.id), "title": item.title, "category": item.category, "price_cents": item.price_cents} for item in listings]


@router.get("/listings/voices")
async def voice_listings(db: AsyncSession = Depends(get_db)) -> list[dict]:
    rows = (await db.execute(select(Listing).where(Listing.category.in_(["voice", "voice_clone"]), Listing.status == "published"))).scalars().all()
    return [{"id": str(item.id), "title": item.title} for item in rows]


@router.get("/me/listings")
async def my_listings(user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> list[dict]:
    rows = (await db.execute(select(Listing).where(Listing.seller_id == user.id))).scalars().all()
    return [{"id": str(item.id), "status": item.status} for item in rows]


@router.post("/listings/{listing_id}/purchase")
async def purchase(listing_id: uuid.UUID, scope: LicenseScope, user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> dict:
    listing = await db.get(Listing, listing_id)
    if listing is None or listing.status != "published":
        raise HTTPException(404, "listing not available")
    intent = stripe.PaymentIntent.create(amount=listing.price_cents, currency="usd", customer=user.stripe_customer_id, metadata={"listing_id": str(listing.id)})
    db.add(Transaction(user_id=user.id, type="purchase", amount=listing.price_cents / 100, stripe_payment_intent_id=intent.id))
    await db.commit()
    return {"client_secret": intent.client_secret}


@router.get("/me/licenses")
async def my_licenses(user: User = Depends(get_current_user), db: AsyncSession = Depends(get_db)) -> list[dict]:
    rows = (await db.execute(select(License).where(License.buyer_id == user.id, License.status == "active"))).scalars().all()
    return [{"id": str(item.id), "scope": item.scope.value} for item in rows]
