"""Who may see, write and invite in a room, open rooms, and edit or delete messages; sanctions and
slow mode come through the moderation state the policy is given."""
from community.policy import (_signed_in, is_moderator, is_muted, is_participant, is_suspended, moderates,
                              room_slow_mode_waits, rule)


@rule("room.view")
def _view_room(user, room) -> bool:
    # Topic rooms are open to every signed-in user; partner and group rooms to their members.
    return _signed_in(user) and not is_suspended(user) and (room.is_open or room.has_member(user.id))


@rule("room.post")
def _post_in_room(user, room) -> bool:
    return _view_room(user, room) and not is_muted(user) and not room_slow_mode_waits(user, room)


@rule("room.invite")
def _invite_to_room(user, room) -> bool:
    """Members of a partner or group room add people; topic rooms need no invitation."""
    return not room.is_open and _view_room(user, room) and not is_muted(user)


@rule("room.create_topic")
def _create_topic_room(user, target) -> bool:
    return is_moderator(user) and not is_suspended(user)


@rule("room.create_group")
def _create_group_room(user, target) -> bool:
    return is_participant(user) and user.organisation_id is not None


@rule("message.edit")
def _edit_message(user, message) -> bool:
    return _signed_in(user) and message.author_id == user.id and _view_room(user, message.room) \
        and not is_muted(user)


@rule("message.delete")
def _delete_message(user, message) -> bool:
    own = _signed_in(user) and message.author_id == user.id and _view_room(user, message.room)
    return own or moderates(user, message)
