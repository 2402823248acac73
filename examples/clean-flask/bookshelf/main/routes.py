"""Public pages: landing page, pricing, shared reading lists, health check."""
from flask import Blueprint, jsonify, render_template
from sqlalchemy import select, text

from ..extensions import db, limiter
from ..models import Book, User

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("index.html")


@bp.route("/pricing")
def pricing():
    return render_template("pricing.html")


@bp.route("/shared/<token>")
@limiter.limit("60 per minute")
def shared_list(token):
    owner = db.first_or_404(select(User).where(User.share_token == token, User.active.is_(True)))
    books = db.session.scalars(
        select(Book).where(Book.owner_id == owner.id, Book.status == "finished").order_by(Book.title).limit(200)
    ).all()
    return render_template("shared.html", books=books)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
