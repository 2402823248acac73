"""Twilio SMS webhook for the practice number."""
import logging

from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse

logger = logging.getLogger(__name__)

sms_bp = Blueprint("sms", __name__, url_prefix="/sms")


@sms_bp.route("/incoming", methods=["POST"])
def incoming_sms():
    sender = request.form.get("From", "")
    body = request.form.get("Body", "")
    logger.info("SMS from %s: %s", sender, body)

    # TODO: route SMS replies through the agent brain so patients can confirm or move bookings.
    response = MessagingResponse()
    response.message("Thanks for your message! The Killarney Dental team will get back to you shortly.")
    return Response(str(response), mimetype="text/xml")
