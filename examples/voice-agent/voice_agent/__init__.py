"""Killarney Dental voice agent: answers the practice phone line with an AI receptionist."""
