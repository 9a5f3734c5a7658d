"""Rooms in the browser: the room list, a room's page (readable and writable without JavaScript;
rooms.js adds live delivery), creating topic and group rooms, inviting people, the live matches."""
import click
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from community import policy
from community.auth.current import acting_user
from community.errors import ValidationError
from community.models_base import utcnow
from community.organisations.forms import form_values, show_service_errors
from community.rooms import bp, live, messages, services
from community.rooms.forms import InviteForm, MessageForm, RoomForm
from community.rooms.models import GROUP, TOPIC
from community.validation import parse_id

CREATABLE_KINDS = {"topic": TOPIC, "group": GROUP}


def _render_room(room, form: MessageForm, alerts: list, status: int = 200, invite_form: InviteForm | None = None):
    user = acting_user()
    rendered_at = utcnow()  # the socket's first sync asks for what changed after this
    shown = messages.recent_messages(user, room)
    if room.has_member(user.id):
        services.mark_read(user, room)
    return render_template(
        "rooms/show.html", room=room, messages=shown, form=form, alerts=alerts,
        invite_form=invite_form or InviteForm(formdata=None), members=services.members(room),
        is_member=room.has_member(user.id), last_id=shown[-1].id if shown else 0,
        rendered_at=rendered_at.isoformat() + "Z",
    ), status


@bp.route("/rooms")
@login_required
def index():
    return render_template("rooms/index.html", summaries=services.room_list(acting_user()))


@bp.route("/rooms/new/<any(topic, group):kind>", methods=["GET", "POST"])
@login_required
def create(kind: str):
    user = acting_user()
    policy.require(user, f"room.create_{kind}")
    form = RoomForm()
    alerts: list = []
    if form.validate_on_submit():
        try:
            room = services.create_room(user, CREATABLE_KINDS[kind], form_values(form))
        except ValidationError as error:
            alerts = show_service_errors(form, error)
        else:
            return redirect(url_for("rooms.show", room_id=room.id))
    status = 422 if alerts else 400 if form.errors else 200
    return render_template("rooms/new.html", form=form, kind=kind, alerts=alerts), status


@bp.route("/rooms/<int:room_id>")
@login_required
def show(room_id: int):
    room = services.get_room(acting_user(), room_id)
    return _render_room(room, MessageForm(formdata=None), [])


@bp.route("/rooms/<int:room_id>/messages", methods=["POST"])
@login_required
def post_message(room_id: int):
    user = acting_user()
    room = services.get_room(user, room_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_room(room, form, [], 400)
    try:
        services.join(user, room)
        message, created = messages.post_message(user, room, form_values(form))
    except ValidationError as error:
        return _render_room(room, form, show_service_errors(form, error), 422)
    if created:
        messages.notify_mentions(user, message, url_for("rooms.show", room_id=room.id,
                                                        _anchor=f"message-{message.id}"))
    return redirect(url_for("rooms.show", room_id=room.id, _anchor=f"message-{message.id}"))


@bp.route("/rooms/<int:room_id>/invite", methods=["POST"])
@login_required
def invite(room_id: int):
    user = acting_user()
    room = services.get_room(user, room_id)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.invite(user, room, form_values(form), url_for("rooms.show", room_id=room.id))
    except ValidationError as error:
        return _render_room(room, MessageForm(formdata=None), show_service_errors(form, error), 422, form)
    # The same answer whoever has an account: no names, no count.
    flash(_("The invitation has been sent. Everyone with an account among these addresses can now take part."),
          "success")
    return redirect(url_for("rooms.show", room_id=room.id))


@bp.route("/rooms/<int:room_id>/matches.json")
@login_required
def matches(room_id: int):
    user = acting_user()
    room = services.get_room(user, room_id)
    return {"room_id": room.id, "matches": live.room_matches(user, room)}


@bp.route("/rooms/<int:room_id>/messages.json")
@login_required
def history(room_id: int):
    """Older messages for scrolling back, without a socket: ?before=<id>."""
    user = acting_user()
    room = services.get_room(user, room_id)
    before = request.args.get("before", "")
    found, has_more = messages.messages_before(user, room, parse_id(before))
    return {"messages": [messages.message_to_dict(m) for m in found], "has_more": has_more}


@bp.cli.command("ensure-topics")
def ensure_topics_command():
    """Create the missing topic rooms, one per taxonomy topic (idempotent)."""
    click.echo(f"{services.ensure_topic_rooms()} topic rooms created.")
