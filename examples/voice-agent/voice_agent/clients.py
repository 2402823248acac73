"""Shared clients for Twilio and Redis."""
import redis
from twilio.rest import Client

from . import config

twilio_client = Client(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN)
redis_client = redis.Redis.from_url(config.REDIS_URL, socket_timeout=2)
