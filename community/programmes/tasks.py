"""Periodic work of funding programmes: the opt-in reminders before a deadline, once a day at 07:30
(send_deadline_reminders sends each person one reminder per programme and deadline, however often it runs)."""
from community import jobs
from community.programmes import services


@jobs.periodic_task(jobs.local_crontab(hour="7", minute="30"))
def send_programme_deadline_reminders() -> int:
    return services.send_deadline_reminders()
