"""Twilio voice webhooks: the phone call loop.

Twilio calls /voice/incoming when the practice number rings, /voice/gather after each thing the
caller says, /voice/recording when a recording is ready and /voice/status when the call ends.
"""
import logging
import os
from datetime import datetime, timezone

import requests
from flask import Blueprint, Response, request
from twilio.twiml.voice_response import Gather, VoiceResponse

from .. import config
from ..agent_brain import AgentBrain
from ..db import execute, load_agent_for_number, record_call_start, save_turn, transcript_for

logger = logging.getLogger(__name__)

voice_bp = Blueprint("voice", __name__, url_prefix="/voice")

# One brain for the whole process: it holds the prompt and history of the call in progress.
agent_brain = AgentBrain()
# CallSid -> what we know about the call while it is live.
active_calls = {}

FINISHED_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def _twiml(response):
    return Response(str(response), mimetype="text/xml")


def _listen(response, prompt, agent):
    gather = Gather(
        input="speech",
        action="/voice/gather",
        method="POST",
        speech_timeout="auto",
        language=agent.get("language") or config.SPEECH_LANGUAGE,
    )
    gather.say(prompt, voice=agent.get("voice") or "Polly.Amy")
    response.append(gather)
    response.redirect("/voice/gather", method="POST")
    return response


@voice_bp.route("/incoming", methods=["POST"])
def incoming_call():
    logger.info("Incoming call payload: %s", dict(request.form))
    call_sid = request.form["CallSid"]
    caller = request.form.get("From", "")
    agent = load_agent_for_number(request.form.get("To", ""))

    agent_brain.agent_config = agent
    agent_brain.current_system_prompt = agent["system_prompt"]
    agent_brain.conversation_history = []
    active_calls[call_sid] = {
        "caller": caller,
        "agent_id": agent["id"],
        "started_at": datetime.now(timezone.utc).isoformat(),
        "turns": 0,
    }
    record_call_start(call_sid, agent["id"], caller)

    response = VoiceResponse()
    response.record(recording_status_callback="/voice/recording", recording_status_callback_event="completed")
    return _twiml(_listen(response, agent["greeting"], agent))


@voice_bp.route("/gather", methods=["POST"])
def gather_speech():
    call_sid = request.form["CallSid"]
    speech = request.form.get("SpeechResult", "").strip()
    call = active_calls.setdefault(call_sid, {"caller": request.form.get("From", ""), "turns": 0})
    call["turns"] += 1
    agent = agent_brain.agent_config or {}

    response = VoiceResponse()
    if not speech:
        return _twiml(_listen(response, "Sorry, I didn't catch that. Could you say it again?", agent))

    logger.info("Caller %s said: %s", call["caller"], speech)
    reply = agent_brain.respond(speech)
    save_turn(call_sid, speech, reply)

    if call["turns"] >= config.MAX_TURNS or "goodbye" in speech.lower():
        response.say(reply, voice=agent.get("voice") or "Polly.Amy")
        response.hangup()
        return _twiml(response)
    return _twiml(_listen(response, reply, agent))


@voice_bp.route("/recording", methods=["POST"])
def recording_ready():
    call_sid = request.form["CallSid"]
    recording_sid = request.form["RecordingSid"]
    recording_url = request.form["RecordingUrl"]

    audio = requests.get(
        f"{recording_url}.mp3",
        auth=(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN),
        timeout=30,
    )
    audio.raise_for_status()
    file_name = f"{recording_sid}.mp3"
    with open(os.path.join(config.RECORDINGS_DIR, file_name), "wb") as out:
        out.write(audio.content)

    execute(
        "INSERT INTO recordings (recording_sid, call_sid, file_name, duration) VALUES (%s, %s, %s, %s)",
        (recording_sid, call_sid, file_name, int(request.form.get("RecordingDuration", 0) or 0)),
    )
    return ("", 204)


@voice_bp.route("/status", methods=["POST"])
def call_status_webhook():
    call_sid = request.form["CallSid"]
    status = request.form.get("CallStatus", "")
    duration = int(request.form.get("CallDuration", 0) or 0)

    execute(
        "UPDATE calls SET status = %s, duration_seconds = %s, ended_at = now() WHERE call_sid = %s",
        (status, duration, call_sid),
    )
    if status not in FINISHED_STATUSES:
        return ("", 204)

    call = active_calls.pop(call_sid, None)
    turns = transcript_for(call_sid)
    if call and turns:
        summary, sentiment = agent_brain.summarise(turns)
        execute(
            "INSERT INTO call_summaries (call_sid, caller, summary, sentiment, started_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (call_sid) DO NOTHING",
            (call_sid, call["caller"], summary, sentiment, call["started_at"]),
        )
    return ("", 204)
