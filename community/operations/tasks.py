"""The consumers' heartbeat: each minute one of them writes it into the database (readiness reads it)."""
from community import jobs
from community.operations import heartbeat


@jobs.on_consumer_start
@jobs.periodic_task(jobs.local_crontab())
def consumer_heartbeat() -> None:
    heartbeat.beat(heartbeat.CONSUMER)
