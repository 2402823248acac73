"""The signed-in reader's books: list, edit, covers, YAML import, Open Library lookup."""
import logging
import os
import secrets
import uuid

import requests
import yaml
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text
from werkzeug.utils import secure_filename

from ..extensions import db
from ..forms import READING_STATUSES, BookForm, CoverForm, ImportForm
from ..models import Book

logger = logging.getLogger(__name__)

bp = Blueprint("books", __name__)

OPEN_LIBRARY_SEARCH = "https://openlibrary.org/search.json"
IMAGE_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}
VALID_STATUSES = {value for value, _ in READING_STATUSES}
MAX_IMPORT_BOOKS = 500


def _own_book(book_id):
    return db.first_or_404(select(Book).where(Book.id == book_id, Book.owner_id == current_user.id))


def _sniff_image(head):
    for signature, extension in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return extension
    return None


@bp.route("/")
@login_required
def index():
    query = select(Book).where(Book.owner_id == current_user.id)
    search = request.args.get("q", "").strip()
    if search:
        query = query.where(Book.title.contains(search, autoescape=True) | Book.author.contains(search, autoescape=True))
    status = request.args.get("status")
    if status in VALID_STATUSES:
        query = query.where(Book.status == status)
    page = db.paginate(query.order_by(Book.created_at.desc()), per_page=25, max_per_page=100)
    return render_template("books/list.html", page=page, search=search, status=status)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = BookForm()
    if form.validate_on_submit():
        book = Book(owner_id=current_user.id)
        form.populate_obj(book)
        db.session.add(book)
        db.session.commit()
        logger.info("book created", extra={"user_id": current_user.id, "book_id": book.id})
        return redirect(url_for("books.index"))
    return render_template("books/form.html", form=form)


@bp.route("/<int:book_id>/edit", methods=["GET", "POST"])
@login_required
def edit(book_id):
    book = _own_book(book_id)
    form = BookForm(obj=book)
    if form.validate_on_submit():
        form.populate_obj(book)
        db.session.commit()
        return redirect(url_for("books.index"))
    return render_template("books/form.html", form=form, book=book)


@bp.route("/<int:book_id>/delete", methods=["POST"])
@login_required
def delete(book_id):
    book = _own_book(book_id)
    db.session.delete(book)
    db.session.commit()
    flash("Book removed.")
    return redirect(url_for("books.index"))


@bp.route("/<int:book_id>/cover", methods=["POST"])
@login_required
def upload_cover(book_id):
    book = _own_book(book_id)
    form = CoverForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.cover.data
    original = secure_filename(upload.filename or "")
    extension = _sniff_image(upload.stream.read(8))
    upload.stream.seek(0)
    if not original or extension is None:
        abort(400, "Upload a JPEG, PNG or WebP image.")

    stored_name = f"{uuid.uuid4().hex}.{extension}"
    upload.save(os.path.join(current_app.config["UPLOAD_FOLDER"], stored_name))
    book.cover_filename = stored_name
    db.session.commit()
    return redirect(url_for("books.edit", book_id=book.id))


@bp.route("/<int:book_id>/cover", methods=["GET"])
@login_required
def cover(book_id):
    book = _own_book(book_id)
    if not book.cover_filename:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], book.cover_filename, max_age=3600)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_list():
    form = ImportForm()
    if form.validate_on_submit():
        entries = yaml.safe_load(form.reading_list.data.stream) or []
        if not isinstance(entries, list) or len(entries) > MAX_IMPORT_BOOKS:
            abort(400, "Expected a list of at most 500 books.")
        added = 0
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("title") or not entry.get("author"):
                continue
            status = entry.get("status") if entry.get("status") in VALID_STATUSES else "to-read"
            db.session.add(
                Book(owner_id=current_user.id, title=str(entry["title"])[:300], author=str(entry["author"])[:200], status=status)
            )
            added += 1
        db.session.commit()
        flash(f"Imported {added} books.")
        return redirect(url_for("books.index"))
    return render_template("books/import.html", form=form)


@bp.route("/<int:book_id>/lookup", methods=["POST"])
@login_required
def lookup(book_id):
    book = _own_book(book_id)
    if not book.isbn:
        abort(400, "This book has no ISBN.")
    try:
        response = requests.get(OPEN_LIBRARY_SEARCH, params={"isbn": book.isbn, "limit": 1}, timeout=5)
        response.raise_for_status()
    except requests.RequestException:
        logger.warning("open library lookup failed", extra={"book_id": book.id})
        flash("Open Library is not answering right now; try again later.")
        return redirect(url_for("books.edit", book_id=book.id))
    docs = response.json().get("docs") or []
    if docs:
        book.title = str(docs[0].get("title", book.title))[:300]
        book.author = str((docs[0].get("author_name") or [book.author])[0])[:200]
        db.session.commit()
    return redirect(url_for("books.edit", book_id=book.id))


@bp.route("/share", methods=["POST"])
@login_required
def enable_sharing():
    """Give the reader a public, read-only link to their finished books; a new token revokes the old link."""
    current_user.share_token = secrets.token_urlsafe(24)
    db.session.commit()
    flash("Your new share link is ready.")
    return redirect(url_for("main.shared_list", token=current_user.share_token))


@bp.route("/share", methods=["DELETE"])
@login_required
def disable_sharing():
    current_user.share_token = None
    db.session.commit()
    return ("", 204)


@bp.route("/stats")
@login_required
def stats():
    by_status = db.session.execute(
        select(Book.status, func.count()).where(Book.owner_id == current_user.id).group_by(Book.status)
    ).all()
    per_month = db.session.execute(
        text(
            "SELECT date_trunc('month', created_at) AS month, count(*) AS books "
            "FROM books WHERE owner_id = :owner_id GROUP BY 1 ORDER BY 1 DESC LIMIT 12"
        ),
        {"owner_id": current_user.id},
    ).all()
    return render_template("books/stats.html", by_status=by_status, per_month=per_month)
