"""Registrations: publishing a good example publishes the files its reviewer saw with it (the examples announce
a publication with `entry_changed`), and the daily sweep of files no attachment refers to any more."""
from community.attachments import services
from community.examples.models import PUBLISHED, Example
from community.signals import entry_changed


@entry_changed.connect
def _example_published(sender, **extra) -> None:
    if isinstance(sender, Example) and sender.status == PUBLISHED and sender.published_at is not None:
        services.publish_with(sender)
