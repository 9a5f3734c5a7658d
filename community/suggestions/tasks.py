"""Periodic work of contact requests: the one reminder after 14 days and the expiry after 30, daily
(remind_and_expire is idempotent: a second run the same day moves nothing)."""
from community import jobs
from community.suggestions import contacts


@jobs.periodic_task(jobs.local_crontab(minute="20", hour="7"))
def remind_and_expire_contact_requests() -> tuple[int, int]:
    return contacts.remind_and_expire()
