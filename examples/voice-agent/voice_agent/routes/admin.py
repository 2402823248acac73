"""Practice-staff API used by the internal dashboard: calls, prompt, recordings, analytics."""
import logging
import os
import re
import subprocess

from flask import Blueprint, abort, jsonify, request, send_file

from .. import analytics, config
from ..clients import twilio_client
from ..db import execute, fetch_all, fetch_one, get_connection
from .voice import active_calls, agent_brain

logger = logging.getLogger(__name__)

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

RECORDING_SID = re.compile(r"^RE[0-9a-f]{32}$")


def _recording_path(recording_sid):
    if not RECORDING_SID.fullmatch(recording_sid):
        abort(400, "not a recording sid")
    return os.path.join(config.RECORDINGS_DIR, f"{recording_sid}.mp3")


def _duration_seconds(path):
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    try:
        return round(float(probe.stdout.strip()))
    except ValueError:
        return None


@admin_bp.route("/calls", methods=["GET"])
def list_calls():
    limit = min(int(request.args.get("limit", 50)), 500)
    rows = fetch_all(
        "SELECT call_sid, caller, agent_id, status, started_at, duration_seconds "
        "FROM calls ORDER BY started_at DESC LIMIT %s",
        (limit,),
    )
    return jsonify(calls=rows, active=active_calls)


@admin_bp.route("/calls/summary", methods=["GET"])
def call_summary():
    caller = request.args.get("caller", "")
    since = request.args.get("since", "1970-01-01")
    query = (
        "SELECT call_sid, summary, sentiment, started_at FROM call_summaries "
        f"WHERE caller = '{caller}' AND started_at >= '{since}' ORDER BY started_at DESC"
    )
    with get_connection() as conn, conn.cursor() as cur:
        cur.execute(query)
        rows = cur.fetchall()
    return jsonify(caller=caller, summaries=rows)


@admin_bp.route("/calls/<call_sid>/transcript", methods=["GET"])
def call_transcript(call_sid):
    call = fetch_one("SELECT call_sid, caller, status, started_at FROM calls WHERE call_sid = %s", (call_sid,))
    if call is None:
        abort(404)
    turns = fetch_all(
        "SELECT caller_text, agent_text, created_at FROM call_turns WHERE call_sid = %s ORDER BY id",
        (call_sid,),
    )
    return jsonify(call=call, turns=turns)


@admin_bp.route("/prompt", methods=["PUT"])
def update_prompt():
    body = request.get_json(force=True)
    agent_id = body.get("agent_id", 1)
    agent_brain.current_system_prompt = body["prompt"]
    execute(
        "UPDATE agents SET system_prompt = %s, updated_at = now() WHERE id = %s",
        (body["prompt"], agent_id),
    )
    logger.info("system prompt of agent %s updated", agent_id)
    return jsonify(status="updated", agent_id=agent_id)


@admin_bp.route("/recordings/<recording_sid>", methods=["DELETE"])
def delete_recording(recording_sid):
    path = _recording_path(recording_sid)
    if os.path.exists(path):
        os.remove(path)
    twilio_client.recordings(recording_sid).delete()
    execute("DELETE FROM recordings WHERE recording_sid = %s", (recording_sid,))
    return jsonify(status="deleted", recording_sid=recording_sid)


@admin_bp.route("/recordings/download", methods=["GET"])
def download_recording():
    name = request.args["name"]
    return send_file(os.path.join(config.RECORDINGS_DIR, name), mimetype="audio/mpeg", as_attachment=True)


@admin_bp.route("/recordings/transcode", methods=["POST"])
def transcode_recording():
    filename = request.json["filename"]
    stem = filename.rsplit(".", 1)[0]
    target = f"{config.RECORDINGS_DIR}/{stem}.wav"
    subprocess.run(
        f"ffmpeg -y -i {config.RECORDINGS_DIR}/{filename} -ar 16000 -ac 1 {target}",
        shell=True,
        check=True,
    )
    return jsonify(status="transcoded", file=os.path.basename(target), seconds=_duration_seconds(target))


@admin_bp.route("/recordings/<recording_sid>/duration", methods=["GET"])
def recording_duration(recording_sid):
    path = _recording_path(recording_sid)
    if not os.path.exists(path):
        abort(404)
    return jsonify(recording_sid=recording_sid, seconds=_duration_seconds(path))


@admin_bp.route("/analytics/calls-per-day", methods=["GET"])
def calls_per_day():
    days = min(int(request.args.get("days", 30)), 365)
    return jsonify(days=days, series=analytics.calls_per_day(days))


@admin_bp.route("/analytics/sentiment", methods=["GET"])
def sentiment_trends():
    days = min(int(request.args.get("days", 30)), 365)
    return jsonify(days=days, trends=analytics.sentiment_trends(days))
