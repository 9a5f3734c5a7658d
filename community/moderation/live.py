"""Suspensions and bans on the live connection (docs/realtime.md).

When a suspension or ban is imposed, every socket of the user hears a `sanction` event and is then
disconnected, in whichever server process it is held (community/sockets.py); a suspended or banned
user's new socket is refused with the same data.
"""
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import format_datetime
from flask_socketio import ConnectionRefusedError

from community.extensions import socketio
from community.moderation.models import Sanction
from community.moderation.state import blocking_sanction
from community.notifications.services import user_channel

CODE = "banned"  # the protocol's error code for a suspended or banned account


def sanction_event(sanction: Sanction) -> dict:
    """{code, kind, reason, ends_at, message, url}: what was decided, until when, and where to read more."""
    if sanction.ends_at is None:
        message = _("Your account is banned. Reason: %(reason)s", reason=sanction.reason)
    else:
        message = _("Your account is suspended until %(end)s. Reason: %(reason)s",
                    end=format_datetime(sanction.ends_at, "short"), reason=sanction.reason)
    return {"code": CODE, "kind": sanction.kind, "reason": sanction.reason,
            "ends_at": sanction.ends_at.isoformat() + "Z" if sanction.ends_at else None,
            "message": message, "url": url_for("moderation.my_sanctions")}


def end_sockets(sanction: Sanction) -> None:
    """Tell every connection of the sanctioned user why, then close them all."""
    channel = user_channel(sanction.user_id)
    locale = sanction.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        event = sanction_event(sanction)
    socketio.emit("sanction", event, to=channel, namespace="/")
    socketio.server.manager.end_channel(channel, "/")


def refuse_socket(user) -> None:
    """While a socket connects: refuse a suspended or banned user with the `sanction` data."""
    sanction = blocking_sanction(user)
    if sanction is not None:
        data = sanction_event(sanction)
        raise ConnectionRefusedError(data["message"], data)
