"""Login and logout (Flask-Login sessions, CSRF-protected forms, rate-limited login)."""
import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter
from ..forms import LoginForm
from ..models import User

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def _safe_next(target):
    """Only follow `next` to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("books.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.lower()))
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            logger.info("login failed", extra={"path": request.path})
            flash("Invalid email or password.", "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        logger.info("login succeeded", extra={"user_id": user.id})
        return redirect(_safe_next(request.args.get("next")) or url_for("books.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logger.info("logout", extra={"user_id": current_user.id})
    logout_user()
    return redirect(url_for("main.index"))
