"""Inbound webhooks: Stripe billing events and the audio render worker."""
import logging

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel

from config import settings
from db import get_pool

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class RenderComplete(BaseModel):
    session_id: str
    audio_url: str
    duration_seconds: float


@router.post("/stripe")
async def stripe_webhook(request: Request) -> dict:
    payload = await request.json()
    event_type = payload["type"]
    obj = payload["data"]["object"]
    pool = get_pool()

    if event_type == "checkout.session.completed":
        await pool.execute(
            "UPDATE users SET plan = 'premium', stripe_customer_id = $1 WHERE email = $2",
            obj["customer"],
            obj["customer_details"]["email"],
        )
    elif event_type == "customer.subscription.deleted":
        await pool.execute("UPDATE users SET plan = 'free' WHERE stripe_customer_id = $1", obj["customer"])
    else:
        logger.info("Ignoring Stripe event %s", event_type)

    return {"received": True}


@router.post("/render-complete")
async def render_complete(body: RenderComplete, x_api_key: str = Header(default="")) -> dict:
    """Called by the audio worker once a long-form session has been rendered."""
    if x_api_key == settings.internal_api_key:
        pool = get_pool()
        await pool.execute(
            "UPDATE sessions SET audio_url = $1, duration_seconds = $2, status = 'rendered' WHERE id = $3",
            body.audio_url,
            body.duration_seconds,
            body.session_id,
        )
        return {"ok": True}
    raise HTTPException(status_code=401, detail="Invalid API key")
