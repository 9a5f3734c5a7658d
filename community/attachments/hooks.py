"""Registrations: publishing a good example publishes the files its reviewer saw with it (the examples announce
a publication with `entry_changed`, after their commit)."""
import logging

from community.attachments import services
from community.examples.models import PUBLISHED, Example
from community.extensions import db
from community.signals import entry_changed

log = logging.getLogger(__name__)


@entry_changed.connect
def _example_published(sender, **extra) -> None:
    if not (isinstance(sender, Example) and sender.status == PUBLISHED and sender.published_at is not None):
        return
    try:
        services.publish_with(sender)
    except Exception:  # noqa: BLE001  (receivers must not raise: the publication is stored; the files stay pending)
        db.session.rollback()
        log.exception("could not publish the files of example %s", sender.id)
