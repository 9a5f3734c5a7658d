"""Room memberships follow organisation membership (docs/security.md).

A person is in a partner or group room as a member of their organisation. When they leave it (removed
by an administrator, or the account deleted), `membership_ended` arrives after the commit: their
memberships of every partner and group room end (of every room when the account is gone), the room
hears `member_removed`, the person's open sockets hear `room_removed` and leave the room's channel in
whichever process holds them (community/sockets.py), and the room's presence drops them.
"""
from community.extensions import db, socketio
from community.notifications.services import user_channel
from community.rooms.models import GROUP, PARTNER, Room, RoomMember
from community.rooms.presence import presence, room_channel
from community.signals import membership_ended
from community.sockets import on_leave

PRIVATE_KINDS = (PARTNER, GROUP)


def end_room_memberships(user, everything: bool = False) -> list[int]:
    """Delete the user's memberships of private rooms (of all rooms with `everything`); the room ids."""
    rooms = db.select(RoomMember.room_id).filter(RoomMember.user_id == user.id)
    if not everything:
        rooms = rooms.join(Room, Room.id == RoomMember.room_id).filter(Room.kind.in_(PRIVATE_KINDS))
    room_ids = sorted(db.session.scalars(rooms))
    if room_ids:
        db.session.execute(db.delete(RoomMember).filter(RoomMember.user_id == user.id,
                                                        RoomMember.room_id.in_(room_ids))
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return room_ids


@membership_ended.connect
def _leave_rooms(user, account_deleted: bool = False, **_extra) -> None:
    person = {"id": user.id, "name": user.display_name}
    for room_id in end_room_memberships(user, everything=account_deleted):
        socketio.emit("room_removed", {"room_id": room_id}, to=user_channel(user.id), namespace="/")
        socketio.server.manager.leave_channel(user_channel(user.id), room_channel(room_id), "/")
        socketio.emit("member_removed", {"room_id": room_id, "user": person}, to=room_channel(room_id),
                      namespace="/")


@on_leave
def _drop_presence(sid: str, channel: str) -> None:
    prefix = room_channel("")
    if channel.startswith(prefix) and channel[len(prefix):].isdigit():
        room_id = int(channel[len(prefix):])
        if presence().leave(room_id, sid):
            presence().announce(room_id)
