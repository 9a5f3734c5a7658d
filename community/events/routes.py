"""Pages of trainings and events: the list with "Recommended for you", the event page (register,
withdraw, waitlist position), the form for organisers, the participant list with CSV and attendance,
the calendar file and feed, and the certificate of attendance."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from community import csvfile, policy
from community.errors import Conflict, InvalidInput, NotFound
from community.events import bp, calendar, certificates, services
from community.events.models import CONFIRMED, FORMATS, Registration
from community.events.recommendations import recommended_events
from community.extensions import db
from community.i18n import lazy_plain
from community.pagination import page_args
from community.links import public_url
from community.rendering import render_markdown
from community.taxonomy import ORG_KINDS, POPULATION_CLASSES

FORMAT_LABELS = {"online": _l("Online"), "onsite": _l("On site"), "hybrid": _l("Hybrid (on site and online)")}
STATUS_LABELS = {"confirmed": _l("confirmed"), "waitlisted": _l("on the waitlist")}
FIELDS = ("title", "description", "format", "starts_at", "ends_at", "location", "online_url", "capacity",
          "registration_deadline")


bp.app_template_filter("event_time")(services.event_time)


@bp.app_template_filter("event_markdown")
def event_markdown(text: str) -> Markup:
    return Markup(render_markdown(text))  # sanitised by nh3


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.route("/")
def index():
    try:
        filters = services.clean_filters({k: v for k, v in request.args.items() if k != "recommended"})
        alerts = []
    except InvalidInput as error:
        filters, alerts = {}, list(error.fields.values())
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), 20)
    events = services.list_events(_user(), filters, page, per_page)
    recommended = []
    if current_user.is_authenticated and current_user.organisation is not None:
        recommended = recommended_events(current_user.organisation, k=3)
    return render_template("events/index.html", events=events, filters=filters, alerts=alerts,
                           recommended=recommended, formats=FORMAT_LABELS,
                           mine=services.upcoming_for(current_user) if current_user.is_authenticated else [])


def _render_event(event, status=200):
    registration = services.registration_of(_user(), event)
    return render_template(
        "events/show.html", event=event, registration=registration,
        position=services.waitlist_position(registration) if registration else None,
        sees_link=policy.can(current_user, "event.online_link", event),
        may_edit=policy.can(current_user, "event.edit", event),
        may_register=policy.can(current_user, "event.register", event), formats=FORMAT_LABELS,
        may_withdraw=policy.can(current_user, "event.withdraw", event),
        may_cancel=policy.can(current_user, "event.cancel", event),
        may_calendar=policy.can(current_user, "event.calendar", event),
        begun=services.has_begun(event), certificate=registration is not None
        and policy.can(current_user, "event.certificate", registration),
    ), status


@bp.route("/<int:event_id>")
def show(event_id: int):
    return _render_event(services.get_event(event_id))


@bp.route("/<int:event_id>/register", methods=["POST"])
@login_required
def register(event_id: int):
    try:
        registration = services.register(_user(), event_id)
    except Conflict as error:
        flash(str(error.message), "danger")
    else:
        if registration.status == CONFIRMED:
            flash(_l("You are registered."), "success")
        else:
            flash(lazy_plain("The event is full: you are number %(n)s on the waitlist.",
                     n=services.waitlist_position(registration)), "info")
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/<int:event_id>/withdraw", methods=["POST"])
@login_required
def withdraw(event_id: int):
    try:
        services.cancel_registration(_user(), event_id)
    except Conflict as error:
        flash(str(error.message), "danger")
    else:
        flash(_l("Your registration has been withdrawn."), "success")
    return redirect(url_for("events.show", event_id=event_id))


def _form_values(form) -> dict:
    values = {name: form.get(name, "") for name in FIELDS}
    values["topics"] = form.getlist("topics")
    values["audience"] = form.getlist("audience")
    return values


def _local_input(value, event) -> str:
    shown = services.local(value, event.timezone)
    return shown.strftime("%Y-%m-%dT%H:%M") if shown else ""


def _render_form(event, values, errors, status=200):
    return render_template("events/form.html", event=event, values=values, errors=errors, formats=FORMAT_LABELS,
                           format_slugs=FORMATS, population_classes=POPULATION_CLASSES,
                           org_kinds=ORG_KINDS), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not policy.can(current_user, "event.create"):
        abort(403)
    values, errors = {"format": "online", "capacity": "20", "topics": [], "audience": []}, {}
    if request.method == "POST":
        values = _form_values(request.form)
        try:
            event = services.create_event(_user(), values)
        except InvalidInput as error:
            db.session.rollback()
            return _render_form(None, values, error.fields, 400)
        flash(_l("The event has been published."), "success")
        return redirect(url_for("events.show", event_id=event.id))
    return _render_form(None, values, errors)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = services.get_event(event_id)
    if not policy.can(current_user, "event.edit", event):
        abort(403)
    if request.method == "POST":
        values = _form_values(request.form)
        try:
            services.update_event(_user(), event, values)
        except InvalidInput as error:
            db.session.rollback()
            return _render_form(services.get_event(event_id), values, error.fields, 400)
        flash(_l("Saved. Registered people have been told of changed times, places and links."), "success")
        return redirect(url_for("events.show", event_id=event_id))
    values = {name: getattr(event, name) for name in FIELDS}
    for name in ("starts_at", "ends_at", "registration_deadline"):
        values[name] = _local_input(getattr(event, name), event)
    values.update(topics=list(event.topics or []), audience=list(event.audience or []))
    return _render_form(event, values, {})


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: int):
    event = services.get_event(event_id)
    try:
        services.cancel_event(_user(), event)
    except Conflict as error:
        flash(str(error.message), "danger")
    else:
        flash(_l("The event has been cancelled; everyone registered has been told."), "success")
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/<int:event_id>/participants")
@login_required
def participants(event_id: int):
    event = services.get_event(event_id)
    people = services.participants(_user(), event)
    return render_template("events/participants.html", event=event, people=people, labels=STATUS_LABELS,
                           position=services.waitlist_position, begun=services.has_begun(event))


@bp.route("/<int:event_id>/attendance", methods=["POST"])
@login_required
def attendance(event_id: int):
    event = services.get_event(event_id)
    try:
        marked = services.mark_attendance(_user(), event, request.form.getlist("attended"))
    except (Conflict, InvalidInput) as error:
        flash(str(error.message), "danger")
    else:
        flash(lazy_plain("Attendance saved: %(n)s attended.", n=marked), "success")
    return redirect(url_for("events.participants", event_id=event_id))


@bp.route("/<int:event_id>/participants.csv")
@login_required
def participants_csv(event_id: int):
    event = services.get_event(event_id)
    people = services.participants(_user(), event)
    columns = ("name", "email", "organisation", "status", "position", "attended", "registered_at")
    rows = ([row[k] for k in columns] for row in map(services.participant_to_dict, people))
    return csvfile.response(f"event-{event.id}-participants.csv",
                            ["name", "email", "organisation", "status", "waitlist_position", "attended",
                             "registered_at"], rows)


# --- calendar ------------------------------------------------------------------------------------


@bp.route("/<int:event_id>.ics")
def ics(event_id: int):
    event = services.get_event(event_id)
    if not policy.can(current_user, "event.calendar", event):
        if event.status == "cancelled":
            raise NotFound(_l("This event has been cancelled."))
        if event.is_over:
            raise NotFound(_l("This event has already taken place."))
        raise NotFound(_l("You are on the waitlist: the calendar file follows once your place is confirmed."))
    return Response(calendar.event_calendar(event, _user()), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def feed_settings():
    token = services.feed_token(_user(), reset=request.method == "POST")
    if request.method == "POST":
        flash(_l("A new calendar address has been made; the old one no longer works."), "success")
        return redirect(url_for("events.feed_settings"))
    return render_template("events/calendar.html", feed_url=public_url("events.feed", token=token),
                           registrations=services.upcoming_for(current_user, limit=50))


@bp.route("/feed/<token>.ics")
def feed(token: str):
    person = services.user_for_feed(token)
    if person is None or not person.is_active:
        abort(404)
    return Response(calendar.feed_calendar(person), mimetype="text/calendar")


# --- certificates --------------------------------------------------------------------------------


@bp.route("/<int:event_id>/certificate.pdf")
@bp.route("/<int:event_id>/certificate/<int:user_id>.pdf")
@login_required
def certificate(event_id: int, user_id: int | None = None):
    event = services.get_event(event_id)
    registration = db.session.scalar(db.select(Registration).filter_by(
        event_id=event.id, user_id=user_id or current_user.id))
    if registration is None or not policy.can(current_user, "event.certificate", registration):
        abort(404)
    return Response(certificates.certificate_pdf(registration), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="teilnahmebescheinigung-{event.id}-{registration.user_id}.pdf"'})
