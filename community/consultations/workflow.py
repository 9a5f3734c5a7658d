"""The case workflow: the one table of allowed moves and who makes them.

requested ─accept─▶ accepted ─schedule─▶ scheduled ─advise─▶ advised ─close─▶ closed
    │                  │                   │  ▲ (reschedule)
    ├─decline─▶ declined                   └──┘
    └──────── withdraw (requester, while open: requested, accepted, scheduled) ─▶ withdrawn
"""
REQUESTED, ACCEPTED, SCHEDULED, ADVISED, CLOSED = "requested", "accepted", "scheduled", "advised", "closed"
DECLINED, WITHDRAWN = "declined", "withdrawn"
STATUSES = (REQUESTED, ACCEPTED, SCHEDULED, ADVISED, CLOSED, DECLINED, WITHDRAWN)
OPEN_STATUSES = (REQUESTED, ACCEPTED, SCHEDULED)

CONSULTANT = "consultant"
REQUESTER = "requester"

# (from, to) -> the side that makes the move
TRANSITIONS = {
    (REQUESTED, ACCEPTED): CONSULTANT,
    (REQUESTED, DECLINED): CONSULTANT,
    (ACCEPTED, SCHEDULED): CONSULTANT,
    (SCHEDULED, SCHEDULED): CONSULTANT,
    (SCHEDULED, ADVISED): CONSULTANT,
    (ADVISED, CLOSED): CONSULTANT,
    **{(status, WITHDRAWN): REQUESTER for status in OPEN_STATUSES},
}
# Which side ever moves a case into a status: asking for another side's move is a 403, not a 409.
SIDE_OF_TARGET = {to: side for (_, to), side in TRANSITIONS.items()}


def moves_from(status: str, sides: set[str]) -> list[str]:
    """The statuses these sides may move a case in `status` to, in workflow order."""
    return [to for to in STATUSES if TRANSITIONS.get((status, to)) in sides]
