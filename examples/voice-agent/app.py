"""Entry point: `python app.py` (Render runs the same command)."""
import logging
import os

from flask import Flask, jsonify

from voice_agent import config
from voice_agent.routes.admin import admin_bp
from voice_agent.routes.api import api_bp
from voice_agent.routes.sms import sms_bp
from voice_agent.routes.voice import voice_bp

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = Flask(__name__)
app.config["SECRET_KEY"] = config.FLASK_SECRET_KEY
app.config["JSON_SORT_KEYS"] = False

app.register_blueprint(voice_bp)
app.register_blueprint(sms_bp)
app.register_blueprint(admin_bp)
app.register_blueprint(api_bp)


@app.route("/health")
def health():
    return jsonify(status="ok")


@app.route("/")
def index():
    return jsonify(service="killarney-voice-agent", docs="see README.md")


if __name__ == "__main__":
    app.run(debug=True, host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
