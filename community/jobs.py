"""The one job queue of the application (Huey): background tasks, retries and periodic tasks.

Storage follows the configuration (`JOBS_BACKEND`): `sqlite` (the default without REDIS_URL) keeps the
queue in a file beside the SQLite database in instance/ (`JOBS_SQLITE_PATH`); `redis` (the default with
REDIS_URL) lets several consumers on several machines share it; `memory` keeps it in the process (tests).
`JOBS_IMMEDIATE=1` runs every task at once in the caller (tests where that is useful).

Features declare their tasks in their own `tasks.py` with the decorators of this module; every
`community/<feature>/tasks.py` is imported by `create_app`, so the consumer knows them:

    from community import jobs

    @jobs.task(retries=3, retry_delay=10)
    def remind(event_id): ...                        # remind(5) enqueues; remind.schedule((5,), delay=60)

    @jobs.periodic_task(jobs.local_crontab(hour="7", minute="0"))   # 07:00 Europe/Berlin, DST included
    def morning(): ...

Each task runs inside an application context of the consumer's app. The consumer:
`flask --app wsgi jobs consumer` (or `huey_consumer wsgi.huey`).
"""
import functools
import importlib
import pkgutil
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

NAME = "kommunalnetz"
BACKENDS = ("sqlite", "redis", "memory")
# Until init_app configures it, the queue lives in memory: importing this module touches no file.
huey = Huey(NAME, storage_class=MemoryStorage, results=False, utc=True)
_app = None


def sqlite_path(app) -> str:
    """The queue's file: JOBS_SQLITE_PATH, else beside a file SQLite database, else in instance/."""
    configured = app.config.get("JOBS_SQLITE_PATH")
    if configured:
        return configured
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        database = Path(uri[len("sqlite:///"):])
        return str(database.with_name(database.stem + "-jobs.sqlite"))
    return str(Path(app.instance_path) / "jobs.sqlite")


def backend_of(app) -> str:
    backend = app.config.get("JOBS_BACKEND") or ("redis" if app.config.get("REDIS_URL") else "sqlite")
    if backend not in BACKENDS:
        raise ValueError(f"JOBS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return backend


def init_app(app) -> None:
    """Point the queue at the configured storage and remember the app the tasks run in."""
    global _app
    _app = app
    backend = backend_of(app)
    name = app.config.get("JOBS_NAME") or NAME
    if backend == "redis":
        storage_class, kwargs = RedisStorage, {"url": app.config["REDIS_URL"]}
    elif backend == "sqlite":
        storage_class, kwargs = SqliteStorage, {"filename": sqlite_path(app)}
    else:
        storage_class, kwargs = MemoryStorage, {}
    huey.immediate = False
    huey.name, huey.storage_class, huey.storage_kwargs = name, storage_class, kwargs
    huey.storage = huey.create_storage()
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    _import_feature_tasks()


def _import_feature_tasks() -> None:
    import community

    for module in pkgutil.iter_modules(community.__path__):
        if module.ispkg and (Path(community.__path__[0]) / module.name / "tasks.py").exists():
            importlib.import_module(f"community.{module.name}.tasks")


def _in_app_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        if _app is None:
            raise RuntimeError("community.jobs.init_app(app) was not called (create_app does it)")
        # A context of its own, so a task has its own database session even when run immediately.
        with _app.app_context():
            return func(*args, **kwargs)
    return run


def task(**options):
    """A background task (Huey's options: retries, retry_delay, retry_backoff, priority, expires, ...)."""
    def decorator(func):
        return huey.task(name=func.__name__, **options)(_in_app_context(func))  # queued as module.function
    return decorator


def periodic_task(validate_datetime, **options):
    """A task the consumer enqueues whenever `validate_datetime(now_utc)` is true (checked each minute)."""
    def decorator(func):
        return huey.periodic_task(validate_datetime, name=func.__name__, **options)(_in_app_context(func))
    return decorator


def local_crontab(minute="*", hour="*", day_of_week="*", zone: str = "Europe/Berlin"):
    """Like huey.crontab, but in a time zone: Huey hands periodic checks the consumer's UTC time.

    Every minute's UTC time is converted to `zone` first, so "07:00" stays 07:00 local time across
    daylight saving time. day_of_week: 0 = Sunday ... 6 = Saturday, as in crontab.
    """
    from huey import crontab

    local_check = crontab(minute=minute, hour=hour, day_of_week=day_of_week)
    tz = ZoneInfo(zone)

    def validate(now: datetime) -> bool:
        aware = now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now
        return local_check(aware.astimezone(tz).replace(tzinfo=None))
    return validate


_on_start = []


def on_consumer_start(task_wrapper):
    """Enqueue this task (no arguments) whenever a consumer starts, e.g. to pick up work lost in a crash."""
    _on_start.append(task_wrapper)
    return task_wrapper


def run_consumer(workers: int = 2, periodic: bool = True, worker_type: str = "thread") -> None:
    """Run a consumer in this process until SIGINT/SIGTERM (init_app must have run)."""
    # An idle consumer looks for work at least once a second (Huey's default backs off to 10 s):
    # a mail "immediately" should not wait longer than that.
    consumer = huey.create_consumer(workers=workers, periodic=periodic, worker_type=worker_type,
                                    check_worker_health=True, max_delay=1.0)
    for start_task in _on_start:
        start_task()
    consumer.run()


@click.group("jobs", help="The job queue (Huey): run a consumer, look at the queue.")
def jobs_group() -> None:
    pass


@jobs_group.command("consumer", help="Run a consumer: delivers mail, runs periodic tasks (digests).")
@click.option("--workers", default=2, show_default=True, help="Worker threads of this consumer.")
@click.option("--no-periodic", is_flag=True, help="Leave periodic tasks to another consumer.")
@with_appcontext
def consumer_command(workers: int, no_periodic: bool) -> None:
    click.echo(f"jobs: {backend_of(current_app)} queue {huey.name!r}, {workers} workers"
               f"{'' if no_periodic else ', periodic tasks'}")
    run_consumer(workers=workers, periodic=not no_periodic)


@task()
def ping(token: str) -> None:
    """Leave `token` in the database: proves a consumer runs and sees this queue (`flask jobs ping`),
    on whichever machine it runs."""
    from community.operations import heartbeat

    # A consumer that answers is alive: its heartbeat too, so the answer never races the start-up beat
    # (both are jobs, and the consumer's workers may take them in either order).
    heartbeat.beat(heartbeat.CONSUMER)
    heartbeat.beat(heartbeat.PING, detail=token)


@jobs_group.command("ping", help="Enqueue a ping and wait until a consumer (on any machine) has run it.")
@click.option("--timeout", default=30.0, show_default=True)
@with_appcontext
def ping_command(timeout: float) -> None:
    import secrets
    import time

    from community.operations import heartbeat

    token = secrets.token_hex(8)
    ping(token)
    deadline = time.monotonic() + timeout
    while (answer := heartbeat.last(heartbeat.PING)) is None or answer.detail != token:
        if time.monotonic() > deadline:
            raise click.ClickException(f"no consumer ran the ping within {timeout:.0f} s")
        time.sleep(0.2)
    click.echo(f"a consumer on {answer.host} answered at {answer.beat_at.isoformat()}Z")
    consumer = heartbeat.age_seconds(heartbeat.CONSUMER)
    if consumer is not None:
        click.echo(f"last consumer heartbeat {consumer:.0f} s ago")


@jobs_group.command("status", help="How many jobs wait and are scheduled.")
@with_appcontext
def status_command() -> None:
    click.echo(f"backend: {backend_of(current_app)}  pending: {huey.pending_count()}  "
               f"scheduled: {huey.scheduled_count()}")
