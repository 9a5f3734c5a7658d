"""The moderators' queue on their start page: reported items, posts and profile edits waiting, open appeals."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.moderation import services
from community.start.queues import Waiting, register_queue


def _moderation_queue(user):
    if not policy.can(user, "moderation.queue"):
        return None
    waiting = services.queue(user, 1, 1)
    return Waiting(waiting.total, waiting.items[0].since if waiting.items else None, url_for("moderation.queue"))


register_queue("moderation", _l("Reports and posts to decide"), _moderation_queue, order=10)
