"""Jobs of attachments: the nightly sweep of stored files without a row (left by database-level cascades,
such as an organisation's deletion)."""
from community import jobs
from community.attachments import services


@jobs.periodic_task(jobs.local_crontab(hour="4", minute="20"))
def sweep_attachment_files() -> int:
    return services.sweep()
