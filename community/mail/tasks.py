"""The mail jobs: delivering outbox rows, the sweep that re-enqueues what the queue lost, the digests.

The queue only carries outbox ids; the outbox row is the truth. A job lost with a killed consumer
costs nothing but a minute: the sweep (every minute and when a consumer starts) finds the row again.
"""
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from community import jobs
from community.mail import delivery, digests, outbox


@jobs.task()
def deliver_batch(mail_ids: list[int]) -> None:
    for mail_id, delay in delivery.deliver(mail_ids).items():
        deliver_batch.schedule(([mail_id],), delay=delay)


@event.listens_for(Session, "after_commit")
def _hand_to_queue(session) -> None:
    ids = outbox.committed_mail_ids(session)
    if ids:
        enqueue_delivery(ids)


def enqueue_delivery(mail_ids) -> None:
    """Hand outbox rows to the queue in batches (one SMTP connection per batch)."""
    ids = list(mail_ids)
    size = current_app.config["MAIL_BATCH_SIZE"]
    for start in range(0, len(ids), size):
        deliver_batch(ids[start:start + size])


@jobs.on_consumer_start
@jobs.periodic_task(lambda now: True)  # every minute
def sweep() -> None:
    # Rows younger than MAIL_SWEEP_AFTER most likely still have their job waiting in the queue.
    enqueue_delivery(delivery.due_mail_ids(older_than_seconds=current_app.config["MAIL_SWEEP_AFTER"]))


@jobs.periodic_task(jobs.local_crontab(minute="0", hour="7", zone=digests.ZONE))
def daily_digests() -> None:
    digests.send_digests(digests.DAILY)


@jobs.periodic_task(jobs.local_crontab(minute="0", hour="7", day_of_week="1", zone=digests.ZONE))
def weekly_digests() -> None:
    digests.send_digests(digests.WEEKLY)


@jobs.on_consumer_start
@jobs.task()
def catch_up_digests() -> None:
    """A consumer that was down at 07:00 sends that period's digests when it starts (nothing twice)."""
    digests.send_digests(digests.DAILY)
    digests.send_digests(digests.WEEKLY)
