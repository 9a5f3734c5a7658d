"""Pages: the reader's mail settings, the one-click unsubscribe link, the admins' outbox and files."""
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from community import policy
from community.auth.current import acting_user
from community.auth.models import User
from community.extensions import db
from community.mail import bp, delivery, preferences
from community.mail.forms import settings_form
from community.mail.models import ACCOUNT, STATUSES, OutboxMail
from community.mail.outbox import read_unsubscribe_token
from community.mail.tasks import enqueue_delivery
from community.notifications.kinds import MAIL_CATEGORIES
from community.pagination import page_args, paginate
from community.validation import MAX_ID


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def settings():
    user = acting_user()
    current = preferences.preferences_of(user.id)
    form = settings_form(current, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        preferences.update_preferences(user, {category: form[category].data for category in MAIL_CATEGORIES})
        flash(_("Your mail settings have been saved."), "success")
        return redirect(url_for("mail.settings"))
    status = 400 if request.method == "POST" else 200
    return render_template("mail/settings.html", form=form, categories=MAIL_CATEGORIES), status


def _scope_of(token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user_id, scope = found
    if scope not in MAIL_CATEGORIES and scope not in preferences.DIGEST_FREQUENCIES \
            or db.session.get(User, user_id) is None:
        abort(404)
    return user_id, scope


def _scope_label(scope: str) -> str:
    if scope == preferences.DAILY:
        return _("the daily digest")
    if scope == preferences.WEEKLY:
        return _("the weekly digest")
    return _(preferences.CATEGORY_LABELS[scope])


@bp.route("/mail/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """The link in a mail: a page with one button (a GET changes nothing: link scanners follow GETs)."""
    _user_id, scope = _scope_of(token)
    return render_template("mail/unsubscribe.html", token=token, label=_scope_label(scope), done=False)


@bp.route("/mail/unsubscribe/<token>", methods=["POST"])
def one_click_unsubscribe(token: str):
    """RFC 8058: the mail client (or our button) posts here, without a session; the signed link is enough."""
    user_id, scope = _scope_of(token)
    preferences.unsubscribe(user_id, scope)
    return render_template("mail/unsubscribe.html", token=token, label=_scope_label(scope), done=True)


@bp.route("/admin/mail")
@login_required
def outbox():
    policy.require(acting_user(), "mail.view_outbox")
    status = request.args.get("status")
    select = db.select(OutboxMail).order_by(OutboxMail.id.desc())
    if status in STATUSES:
        select = select.filter(OutboxMail.status == status)
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])
    counts = dict(db.session.execute(db.select(OutboxMail.status, db.func.count(OutboxMail.id))
                                     .group_by(OutboxMail.status)).all())
    return render_template("mail/outbox.html", page=paginate(select, page, per_page), counts=counts,
                           status=status if status in STATUSES else None, statuses=STATUSES,
                           files=_eml_files()[:50], smtp=bool(current_app.config.get("MAIL_SERVER")),
                           status_labels=_status_labels())


@bp.route("/admin/mail/<int:mail_id>")
@login_required
def show(mail_id: int):
    policy.require(acting_user(), "mail.view_outbox")
    mail = _mail_or_404(mail_id)
    # With a real mail server, a reset link shown here would let an admin take over the account; without
    # one (the demo), the written file is the delivery itself.
    hide_text = mail.kind == ACCOUNT and bool(current_app.config.get("MAIL_SERVER"))
    return render_template("mail/show.html", mail=mail, status_labels=_status_labels(), hide_text=hide_text)


@bp.route("/admin/mail/<int:mail_id>/retry", methods=["POST"])
@login_required
def retry(mail_id: int):
    policy.require(acting_user(), "mail.view_outbox")
    _mail_or_404(mail_id)
    if delivery.retry_now(mail_id):
        enqueue_delivery([mail_id])
        flash(_("The mail is queued again."), "success")
    return redirect(url_for("mail.show", mail_id=mail_id))


def _mail_or_404(mail_id: int) -> OutboxMail:
    # Ids beyond the column's range would make PostgreSQL fail the query, not find nothing.
    mail = db.session.get(OutboxMail, mail_id) if mail_id <= MAX_ID else None
    if mail is None:
        abort(404)
    return mail


def _status_labels() -> dict[str, str]:
    return {"pending": _("Pending"), "sent": _("Sent"), "failed": _("Failed")}


def _eml_files() -> list[Path]:
    directory = Path(current_app.config["MAIL_DIR"])
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.eml"), reverse=True)


@bp.route("/admin/mail/files/<name>")
@login_required
def eml_file(name: str):
    """One written mail as the consumer wrote it (text/plain: shown, never rendered as HTML)."""
    policy.require(acting_user(), "mail.view_outbox")
    files = {path.name: path for path in _eml_files()}
    if name not in files:
        abort(404)
    return send_file(files[name], mimetype="text/plain", download_name=name)


