"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
from bookshelf import create_app

app = create_app()
