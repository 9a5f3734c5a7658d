"""Failed mails on the platform admins' start page: each is a person who was not told something."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.extensions import db
from community.mail.models import FAILED, OutboxMail
from community.start.queues import Waiting, register_queue


def _failed_mails(user):
    if not policy.can(user, "mail.view_outbox"):
        return None
    count, oldest = db.session.execute(sa.select(sa.func.count(), sa.func.min(OutboxMail.created_at))
                                       .where(OutboxMail.status == FAILED)).one()
    return Waiting(count, oldest, url_for("mail.outbox", status=FAILED))


register_queue("failed_mails", _l("Failed mails"), _failed_mails, order=50)
