"""The staff's work on their start page: one line per queue that concerns the user's role, with how many items
wait and since when the oldest waits. Features register their queues (from their hooks) with:

    register_queue("reports", _l("Reports to decide"), load_reports, order=10)

A loader takes the signed-in user and returns None when the queue is not theirs, else a Waiting (count, the
oldest item's time, the page that lists them). Queues of a role are shown even when empty, so "nothing waits"
is an answer too.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from community.start.panels import register_panel


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime | None
    url: str


@dataclass(frozen=True)
class Queue:
    name: str
    label: object  # a lazy translation
    load: Callable[[object], Waiting | None]
    order: int


QUEUES: dict[str, Queue] = {}


def register_queue(name: str, label, load: Callable[[object], Waiting | None], order: int = 100) -> None:
    QUEUES[name] = Queue(name, label, load, order)


def work_of(user) -> list[tuple[Queue, Waiting]]:
    found = []
    for queue in sorted(QUEUES.values(), key=lambda queue: (queue.order, queue.name)):
        waiting = queue.load(user)
        if waiting is not None:
            found.append((queue, waiting))
    return found


register_panel("work", _l("Your work"), "start/_work.html", work_of, order=1)
