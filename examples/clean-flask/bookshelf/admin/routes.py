"""Admin pages: user list and deactivation. Signed-in admins only."""
import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth.decorators import admin_required
from ..extensions import db
from ..models import Book, User

logger = logging.getLogger(__name__)

bp = Blueprint("admin", __name__)


@bp.route("/users")
@login_required
@admin_required
def users():
    page = db.paginate(
        select(User, func.count(Book.id)).outerjoin(Book).group_by(User.id).order_by(User.created_at.desc()),
        per_page=50,
    )
    return render_template("admin/users.html", page=page)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
@admin_required
def deactivate(user_id):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.")
        return redirect(url_for("admin.users"))
    user.active = False
    db.session.commit()
    logger.info("user deactivated", extra={"user_id": user.id, "path": request.path})
    return redirect(url_for("admin.users"))
