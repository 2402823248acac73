"""Stripe Checkout for the Reader plan and the Stripe webhook."""
import logging

import stripe
from flask import Blueprint, abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import csrf, db, limiter
from ..models import ProcessedStripeEvent, User

logger = logging.getLogger(__name__)

bp = Blueprint("billing", __name__)


@bp.route("/checkout", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def checkout():
    session = stripe.checkout.Session.create(
        mode="subscription",
        line_items=[{"price": current_app.config["STRIPE_PRICE_ID"], "quantity": 1}],
        client_reference_id=str(current_user.id),
        customer_email=current_user.email,
        success_url=url_for("books.index", _external=True),
        cancel_url=url_for("main.pricing", _external=True),
    )
    return redirect(session.url, code=303)


@bp.route("/webhook", methods=["POST"])
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("stripe webhook rejected")
        abort(400)

    if db.session.get(ProcessedStripeEvent, event["id"]) is not None:
        return jsonify(status="duplicate")
    db.session.add(ProcessedStripeEvent(id=event["id"], type=event["type"]))

    if event["type"] == "checkout.session.completed":
        data = event["data"]["object"]
        user = db.session.get(User, int(data["client_reference_id"]))
        if user is not None:
            user.plan = "reader"
            user.stripe_customer_id = data.get("customer")
    elif event["type"] == "customer.subscription.deleted":
        customer_id = event["data"]["object"]["customer"]
        user = db.session.scalar(select(User).where(User.stripe_customer_id == customer_id))
        if user is not None:
            user.plan = "free"

    db.session.commit()
    logger.info("stripe event processed", extra={"event_id": event["id"], "event_type": event["type"]})
    return jsonify(status="ok")
