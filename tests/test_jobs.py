"""The job queue: storage from the configuration, tasks in an app context, periodic checks in local time,
and a real consumer process running a task."""
import os
import socket
import subprocess
import sys
import time
from datetime import datetime

import pytest
from flask import current_app

from community import create_app, jobs
from community.extensions import db
from tests.conftest import config_with


def test_sqlite_backend_puts_the_queue_beside_the_database(tmp_path):
    app = create_app(config_with(JOBS_BACKEND=None, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/app.db"))
    assert jobs.backend_of(app) == "sqlite"
    assert jobs.sqlite_path(app) == str(tmp_path / "app-jobs.sqlite")
    assert type(jobs.huey.storage).__name__ == "SqliteStorage"


def test_redis_url_chooses_redis(tmp_path):
    app = create_app(config_with(JOBS_BACKEND=None, REDIS_URL="redis://127.0.0.1:6379/14"))
    assert jobs.backend_of(app) == "redis"
    assert type(jobs.huey.storage).__name__ == "RedisStorage"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError):
        create_app(config_with(JOBS_BACKEND="carrier-pigeon"))


SEEN_BY_PROBE = []


@jobs.task()
def probe(value):  # at module level: Huey registers a task name once, and the test runs once per database
    SEEN_BY_PROBE.append((value, current_app.name))


def test_immediate_mode_runs_a_task_in_an_app_context_of_its_own(app):
    SEEN_BY_PROBE.clear()
    jobs.huey.immediate = True
    try:
        probe(3)
    finally:
        jobs.huey.immediate = False
    assert SEEN_BY_PROBE == [(3, app.name)]


@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 1, 12, 6, 0), True),    # winter: 07:00 CET = 06:00 UTC
    (datetime(2026, 1, 12, 7, 0), False),
    (datetime(2026, 7, 13, 5, 0), True),    # summer: 07:00 CEST = 05:00 UTC
    (datetime(2026, 7, 13, 6, 0), False),
    (datetime(2026, 3, 30, 5, 0), True),    # the Monday after the switch to summer time
    (datetime(2026, 10, 26, 6, 0), True),   # the Monday after the switch back
])
def test_local_crontab_keeps_seven_oclock_in_berlin_across_dst(utc, expected):
    assert jobs.local_crontab(minute="0", hour="7")(utc) is expected


def test_local_crontab_day_of_week_is_local():
    monday_seven = jobs.local_crontab(minute="0", hour="7", day_of_week="1")
    assert monday_seven(datetime(2026, 1, 12, 6, 0))      # Monday 12 January, 07:00 Berlin
    assert not monday_seven(datetime(2026, 1, 13, 6, 0))  # Tuesday


def test_a_real_consumer_answers_jobs_ping_from_another_process(tmp_path):
    """`flask --app wsgi jobs consumer` in its own process, on the SQLite queue; `flask jobs ping` in another
    waits for the answer in the database (not a file beside the consumer), so it works across machines,
    and the consumer's start left its heartbeat there too."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/app.db", JOBS_BACKEND="sqlite",
               SECRET_KEY="x", MAIL_DIR=str(tmp_path / "mail"), DEMO_MODE="0", LOG_CONFIGURE="0",
               PUBLIC_URL="http://kommunalnetz.test")
    env.pop("REDIS_URL", None)
    app = create_app(config_with(JOBS_BACKEND="sqlite", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"]))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    consumer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "consumer",
                                 "--workers", "1", "--no-periodic"], env=env, cwd=os.getcwd(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ping = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "ping", "--timeout", "60"],
                              env=env, cwd=os.getcwd(), capture_output=True, text=True, timeout=120)
        assert ping.returncode == 0, ping.stderr
        assert f"a consumer on {socket.gethostname()} answered" in ping.stdout
        assert "last consumer heartbeat" in ping.stdout
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)


def test_jobs_ping_fails_clearly_without_a_consumer(runner):
    result = runner.invoke(args=["jobs", "ping", "--timeout", "0.5"])
    assert result.exit_code == 1
    assert "no consumer ran the ping" in result.output
