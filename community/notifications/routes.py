"""Notifications in the browser: the list, marking read, and the unread count for the navbar bell."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.auth.current import acting_user
from community.notifications import bp, services
from community.pagination import page_args


@bp.app_context_processor
def inject_unread_notifications():
    """The bell's badge: counted lazily, only where a page shows it."""
    def unread() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread}


@bp.route("/notifications")
@login_required
def index():
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])
    return render_template("notifications/index.html",
                           page=services.list_notifications(acting_user(), page, per_page))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = services.mark_read(acting_user(), notification_id)
    # Only our own paths: never an open redirect, even if a stored url were tampered with.
    if request.form.get("open") and notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    services.mark_all_read(acting_user())
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/unread.json")
@login_required
def unread_json():
    return {"unread": services.unread_count(acting_user())}
