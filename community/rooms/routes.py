"""Partner rooms in the browser: the list of one's rooms, a room's messages and posting one."""
from flask import redirect, render_template, url_for
from flask_login import login_required

from community.auth.current import acting_user
from community.errors import ValidationError
from community.organisations.forms import form_values, show_service_errors
from community.rooms import bp, services
from community.rooms.forms import MessageForm


def _render_room(room, form: MessageForm, alerts: list, status: int = 200):
    messages = services.recent_messages(acting_user(), room)
    return render_template("rooms/show.html", room=room, messages=messages, form=form, alerts=alerts), status


@bp.route("/rooms")
@login_required
def index():
    return render_template("rooms/index.html", rooms=services.rooms_of(acting_user()))


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
        message = services.post_message(user, room, form_values(form))
    except ValidationError as error:
        return _render_room(room, form, show_service_errors(form, error), 422)
    return redirect(url_for("rooms.show", room_id=room.id, _anchor=f"message-{message.id}"))
