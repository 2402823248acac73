"""Dashboard API for the practice's booking system integration (API-key protected)."""
import hmac
import logging
import pickle
import random
import secrets
from functools import wraps

import requests
from flask import Blueprint, abort, jsonify, request

from .. import config
from ..clients import redis_client, twilio_client
from ..db import fetch_all, fetch_one

logger = logging.getLogger(__name__)

api_bp = Blueprint("api", __name__, url_prefix="/api")

SHARE_LINK_TTL = 7 * 24 * 3600
VERIFICATION_TTL = 10 * 60


def require_api_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        supplied = request.headers.get("X-API-Key", "")
        if not supplied or not hmac.compare_digest(supplied, config.DASHBOARD_API_KEY):
            abort(401)
        return view(*args, **kwargs)

    return wrapper


@api_bp.route("/calls/<call_sid>", methods=["GET"])
@require_api_key
def get_call(call_sid):
    call = fetch_one(
        "SELECT c.call_sid, c.caller, c.status, c.started_at, c.duration_seconds, s.summary, s.sentiment "
        "FROM calls c LEFT JOIN call_summaries s ON s.call_sid = c.call_sid WHERE c.call_sid = %s",
        (call_sid,),
    )
    if call is None:
        abort(404)
    return jsonify(call)


@api_bp.route("/calls", methods=["GET"])
@require_api_key
def calls_for_caller():
    caller = request.args.get("caller", "")
    rows = fetch_all(
        "SELECT call_sid, status, started_at, duration_seconds FROM calls WHERE caller = %s ORDER BY started_at DESC LIMIT 100",
        (caller,),
    )
    return jsonify(calls=rows)


@api_bp.route("/callers/verify", methods=["POST"])
@require_api_key
def start_caller_verification():
    phone = request.get_json()["phone"]
    verification_code = str(random.randint(100000, 999999))
    redis_client.setex(f"verify:{phone}", VERIFICATION_TTL, verification_code)
    twilio_client.messages.create(
        to=phone,
        from_=config.TWILIO_PHONE_NUMBER,
        body=f"Your Killarney Dental verification code is {verification_code}",
    )
    return jsonify(status="sent"), 202


@api_bp.route("/share-links", methods=["POST"])
@require_api_key
def create_share_link():
    call_sid = request.get_json()["call_sid"]
    if fetch_one("SELECT 1 FROM calls WHERE call_sid = %s", (call_sid,)) is None:
        abort(404)
    share_token = secrets.token_urlsafe(32)
    redis_client.setex(f"share:{share_token}", SHARE_LINK_TTL, call_sid)
    return jsonify(url=f"{config.PUBLIC_BASE_URL}/shared/{share_token}"), 201


@api_bp.route("/integrations/test-callback", methods=["POST"])
@require_api_key
def test_callback():
    resp = requests.get(request.json["callback_url"], timeout=5)
    return jsonify(status=resp.status_code, body=resp.text[:500])


@api_bp.route("/session", methods=["GET"])
@require_api_key
def restore_session():
    session_id = request.headers.get("X-Session-Id", "")
    blob = redis_client.get(f"dashboard-session:{session_id}")
    if blob is None:
        abort(404)
    state = pickle.loads(blob)
    return jsonify(filters=state.get("filters", {}), page=state.get("page", 1))


@api_bp.route("/session", methods=["PUT"])
@require_api_key
def save_session():
    session_id = request.headers.get("X-Session-Id") or secrets.token_hex(16)
    state = {"filters": request.get_json().get("filters", {}), "page": int(request.get_json().get("page", 1))}
    redis_client.setex(f"dashboard-session:{session_id}", 3600, pickle.dumps(state))
    return jsonify(session_id=session_id)
