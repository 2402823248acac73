"""Bookshelf: a small reading-list service (application factory)."""
import logging.config

import stripe
from flask import Flask

from .config import Config
from .extensions import CONTENT_SECURITY_POLICY, csrf, db, limiter, login_manager, migrate, talisman
from .logging_setup import LOGGING


def create_app(config=None):
    logging.config.dictConfig(LOGGING)

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(vars(config or Config()))

    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=True,
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        content_security_policy=CONTENT_SECURITY_POLICY,
        session_cookie_secure=True,
    )
    stripe.api_key = app.config["STRIPE_SECRET_KEY"]

    from .admin.routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .billing.routes import bp as billing_bp
    from .books.routes import bp as books_bp
    from .main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(books_bp, url_prefix="/books")
    app.register_blueprint(billing_bp, url_prefix="/billing")
    app.register_blueprint(admin_bp, url_prefix="/admin")

    from . import models  # noqa: F401  (registers the models with SQLAlchemy)

    return app
