"""Periodic work of events: the reminders a day before, every hour (send_due_reminders is idempotent)."""
from community import jobs
from community.events import services


@jobs.periodic_task(jobs.local_crontab(minute="5"))
def send_event_reminders() -> int:
    return services.send_due_reminders()
