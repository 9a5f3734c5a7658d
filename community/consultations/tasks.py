"""Periodic work of consultations: the follow-up reminder, each morning (once per case and follow-up date)."""
from community import jobs
from community.consultations import results


@jobs.periodic_task(jobs.local_crontab(minute="30", hour="7"))
def remind_consultation_follow_ups() -> int:
    return results.remind_follow_ups()
