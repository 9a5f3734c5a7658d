"""Moderation in the browser: reporting, the queue, actions, the log, sanctions and appeals."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import policy
from community.auth.current import acting_user
from community.errors import Conflict, ValidationError
from community.forums.models import Forum
from community.forums.services import get_post
from community.moderation import bp, items, sanctions, services
from community.moderation.forms import (
    ActionForm, AppealForm, AssignForm, DecisionForm, LiftForm, ReportForm, SanctionForm,
)
from community.organisations.forms import form_values, show_service_errors
from community.pagination import page_args
from community.rooms.models import Room
from community.extensions import db
from community.models_base import utcnow
from community.validation import parse_id


# What a suspended or banned user may still reach: their sanctions and appeals, their data, their account
# (its settings and its deletion: the rights over one's own data do not end with a sanction), logging out.
OPEN_WHILE_SUSPENDED = {"static", "auth.logout", "main.set_language", "legal.privacy", "legal.impressum",
                        "legal.accessibility", "main.health",
                        "moderation.my_sanctions", "moderation.appeal", "account.export_data",
                        "account.settings", "account.delete_account"}


@bp.before_app_request
def stop_suspended_users():
    """Every other page tells a suspended or banned user why and until when (the API has its own tokens)."""
    if request.blueprint == "api" or request.endpoint in OPEN_WHILE_SUSPENDED or not current_user.is_authenticated:
        return None
    sanction = sanctions.blocking_sanction(current_user)
    if sanction is None:
        return None
    return render_template("moderation/suspended.html", sanction=sanction), 403


def _page(default: int) -> tuple[int, int]:
    return page_args(request.args.get("page"), request.args.get("per_page"), default)


def _back(default: str):
    target = request.form.get("next") or default
    return redirect(target if target.startswith("/") and not target.startswith("//") else default)


@bp.route("/report/<item_type>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(item_type: str, item_id: int):
    user = acting_user()
    policy.require(user, "report.create")
    item = items.load_item(item_type, item_id)
    policy.require(user, "report.item", item.obj)
    form, alerts, status = ReportForm(), [], 200
    if request.method == "POST":
        try:
            services.report(user, {"item_type": item_type, "item_id": item_id, **form_values(form)})
            flash(_("Thank you. A moderator will look at it."), "success")
            return redirect(item.url)
        except ValidationError as error:
            alerts, status = show_service_errors(form, error), 422
    return render_template("moderation/report.html", item=item, form=form, alerts=alerts), status


@bp.route("/moderation/queue")
@login_required
def queue():
    user = acting_user()
    page, per_page = _page(current_app.config["PER_PAGE"])
    entries = services.queue(user, page, per_page)
    return render_template("moderation/queue.html", entries=entries, form=ActionForm(formdata=None),
                           decision_form=DecisionForm(formdata=None),
                           forums=db.session.scalars(db.select(Forum).order_by(Forum.title)).all())


@bp.route("/moderation/actions", methods=["POST"])
@login_required
def act():
    form = ActionForm()
    values = {name: value for name, value in form_values(form).items() if value not in (None, "")}
    values["item_id"] = parse_id(values.get("item_id")) or 0
    try:
        outcome = services.act(acting_user(), values)
        flash(outcome.message, "success" if outcome.action else "info")
    except ValidationError as error:
        flash(" ".join([str(error.message), *map(str, error.fields.values())]), "error")
    return _back(url_for("moderation.queue"))


@bp.route("/moderation/appeals/<int:appeal_id>/decide", methods=["POST"])
@login_required
def decide_appeal(appeal_id: int):
    try:
        sanctions.decide_appeal(acting_user(), appeal_id, form_values(DecisionForm()))
        flash(_("Done."), "success")
    except ValidationError as error:
        flash(" ".join([str(error.message), *map(str, error.fields.values())]), "error")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/log")
@login_required
def log():
    page, per_page = _page(50)
    entries = services.moderation_log(acting_user(), request.args, page, per_page)
    filters = {name: request.args.get(name, "") for name in services.LOG_FILTERS.fields}
    return render_template("moderation/log.html", entries=entries, filters=filters, actions=services.LOGGED_ACTIONS)


@bp.route("/moderation/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    user = acting_user()
    post = get_post(user, post_id)
    policy.require(user, "post.history", post)
    return render_template("moderation/history.html", post=post)


@bp.route("/moderation/users/<int:user_id>/sanction", methods=["GET", "POST"])
@login_required
def sanction(user_id: int):
    target = sanctions.sanction_target(acting_user(), user_id)
    form, alerts, status = SanctionForm(), [], 200
    if request.method == "POST":
        try:
            sanctions.sanction(acting_user(), user_id, form_values(form))
            flash(_("Done."), "success")
            return redirect(url_for("moderation.queue"))
        except ValidationError as error:
            alerts, status = show_service_errors(form, error), 422
    return render_template("moderation/sanction.html", target=target, form=form, alerts=alerts,
                           sanctions=sanctions.sanctions_against(target), lift_form=LiftForm(formdata=None),
                           now=utcnow()), status


@bp.route("/moderation/sanctions/<int:sanction_id>/lift", methods=["POST"])
@login_required
def lift_sanction(sanction_id: int):
    try:
        sanctions.lift(acting_user(), sanction_id, form_values(LiftForm()))
        flash(_("The sanction was lifted."), "success")
    except (ValidationError, Conflict) as error:
        flash(" ".join([str(error.message), *map(str, error.fields.values())]), "error")
    return _back(url_for("moderation.log"))


@bp.route("/account/sanctions")
@login_required
def my_sanctions():
    user = acting_user()
    decisions = sanctions.decisions_about(user)
    # What each decision was about, where it still exists: its name and a link.
    about = {decision.id: services.find_item(decision.item_type, decision.item_id, include_deleted=True)
             for decision in decisions if decision.item_type in services.ITEM_TYPES}
    return render_template("moderation/my_sanctions.html", sanctions=sanctions.sanctions_of(user),
                           decisions=decisions, about=about, action_text=services.action_text,
                           form=AppealForm(formdata=None), appealable=services.APPEALABLE,
                           appeals=sanctions.appeals_by_action(user))


@bp.route("/account/sanctions/<int:action_id>/appeal", methods=["POST"])
@login_required
def appeal(action_id: int):
    try:
        sanctions.appeal(acting_user(), action_id, form_values(AppealForm()))
        flash(_("Your appeal was sent to another moderator."), "success")
    except ValidationError as error:
        flash(" ".join([str(error.message), *map(str, error.fields.values())]), "error")
    return redirect(url_for("moderation.my_sanctions"))


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.forum_id.choices = [("", "–")] + [(str(forum.id), forum.label) for forum in
                                           db.session.scalars(db.select(Forum).order_by(Forum.title))]
    form.room_id.choices = [("", "–")] + [(str(room.id), room.title) for room in
                                          db.session.scalars(db.select(Room).order_by(Room.title))]
    return form


@bp.route("/moderation/moderators", methods=["GET", "POST"])
@login_required
def moderators():
    user = acting_user()
    assignments = sanctions.moderator_assignments(user)
    form, alerts, status = _assign_form(), [], 200
    if request.method == "POST":
        try:
            sanctions.assign_moderator_by_email(user, form_values(form))
            flash(_("The moderator was assigned."), "success")
            return redirect(url_for("moderation.moderators"))
        except (ValidationError, Conflict) as error:
            alerts, status = show_service_errors(form, error), error.status
    return render_template("moderation/moderators.html", assignments=assignments, form=form, alerts=alerts), status


@bp.route("/moderation/moderators/<int:assignment_id>/remove", methods=["POST"])
@login_required
def unassign_moderator(assignment_id: int):
    sanctions.unassign_moderator(acting_user(), assignment_id)
    flash(_("The assignment was removed."), "success")
    return redirect(url_for("moderation.moderators"))
