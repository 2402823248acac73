"""Test configuration: an in-memory database and throwaway secrets; CSRF and rate limits off for the test client."""
import secrets

import pytest

from bookshelf import create_app
from bookshelf.extensions import db
from bookshelf.models import Book, User


class TestConfig:
    def __init__(self):
        self.TESTING = True
        self.SECRET_KEY = secrets.token_hex(32)
        self.SQLALCHEMY_DATABASE_URI = "sqlite://"
        self.RATELIMIT_ENABLED = False
        self.WTF_CSRF_ENABLED = False
        self.STRIPE_SECRET_KEY = secrets.token_hex(16)
        self.STRIPE_WEBHOOK_SECRET = secrets.token_hex(16)
        self.STRIPE_PRICE_ID = "price_for_tests"
        self.UPLOAD_FOLDER = "/tmp/bookshelf-test-covers"
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024


@pytest.fixture
def app():
    app = create_app(TestConfig())
    with app.app_context():
        db.create_all()
        yield app
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(email, password="correct horse battery staple"):
    user = User(email=email)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def reader(app):
    return make_user("reader@example.com")


@pytest.fixture
def other_reader(app):
    user = make_user("other@example.com")
    db.session.add(Book(owner_id=user.id, title="Dune", author="Frank Herbert"))
    db.session.commit()
    return user


def log_in(client, email, password="correct horse battery staple"):
    return client.post("/auth/login", data={"email": email, "password": password})
