"""Real consumer processes (`flask --app wsgi jobs consumer`) deliver the outbox to a real SMTP server:
killed with SIGKILL in the middle of a batch, nothing is lost and nothing sent twice; on Redis, two
consumers share the queue and still send every mail once."""
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from community import create_app
from community.extensions import db
from community.mail.models import SENT, OutboxMail
from community.mail.outbox import queue_mail
from tests.conftest import config_with, service_unavailable
from tests.smtp_sink import SMTPSink

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
MAILS = 60


@pytest.fixture
def sink():
    sink = SMTPSink().start()
    yield sink
    sink.stop()


def redis_available() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable(f"Redis not reachable at {REDIS_URL}: {error.__class__.__name__}")


def settings(tmp_path, shared_database_url: str, sink: SMTPSink, **extra) -> dict:
    values = {"SQLALCHEMY_DATABASE_URI": shared_database_url, "JOBS_BACKEND": "sqlite",
              "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"), "MAIL_BATCH_SIZE": 25,
              "MAIL_CLAIM_SECONDS": 1, "MAIL_SWEEP_AFTER": 0, **sink.config()}
    values.update(extra)
    return values


def environment(values: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({"DATABASE_URL": values["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "consumer-test",
                "DEMO_MODE": "0", "MAIL_USE_TLS": "0", "PUBLIC_URL": "http://kommunalnetz.test"})
    for key, value in values.items():
        if key != "SQLALCHEMY_DATABASE_URI":
            env[key] = str(value)
    return env


def fill_outbox(values: dict, count: int) -> list[str]:
    """Write `count` mails through the app (outbox rows; their jobs go into the configured queue)."""
    app = create_app(config_with(**values))
    with app.app_context():
        if values["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.create_all()
        for number in range(count):
            queue_mail(f"reader{number}@example.org", f"Mail {number}", f"Text {number}", kind="test")
        db.session.commit()
        ids = list(db.session.scalars(db.select(OutboxMail.message_id)))
        db.session.remove()
        db.engine.dispose()
    return ids


def statuses(values: dict) -> list[str]:
    engine = sa.create_engine(values["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        found = [row[0] for row in conn.execute(sa.text("SELECT status FROM mail_outbox"))]
    engine.dispose()
    return found


def start_consumer(values: dict, workers: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "consumer", "--workers",
                             str(workers), "--no-periodic"], env=environment(values),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_consumer_killed_in_the_middle_of_a_batch_loses_nothing_and_sends_nothing_twice(
        tmp_path, shared_database_url, sink):
    values = settings(tmp_path, shared_database_url, sink)
    message_ids = fill_outbox(values, MAILS)
    first = start_consumer(values)
    killed_at = []

    def kill_at_the_thirtieth(sink, envelope):
        # The consumer dies while the server holds its 30th mail, the second batch half done:
        # it never hears the answer, so the mail counts as not accepted.
        if sink.count == 29 and not killed_at:
            os.kill(first.pid, signal.SIGKILL)
            killed_at.append(envelope.content)
            return False
        return True

    sink.on_data = kill_at_the_thirtieth
    try:
        assert wait_for(lambda: first.poll() is not None), "the consumer was never killed"
        assert first.returncode == -signal.SIGKILL
        assert sink.count == 29
        time.sleep(1.5)  # the dead consumer's claim runs out (MAIL_CLAIM_SECONDS=1)
        second = start_consumer(values)
        try:
            assert wait_for(lambda: sink.count >= MAILS), f"only {sink.count} of {MAILS} mails arrived"
            time.sleep(1.0)  # anything sent twice would arrive now
        finally:
            stop(second)
    finally:
        stop(first)
    received = sink.message_ids()
    assert len(received) == len(set(received)), "a mail was sent twice"
    assert sorted(received) == sorted(message_ids), "a mail was lost"
    assert statuses(values) == [SENT] * MAILS


def test_two_consumers_on_redis_send_every_mail_once(tmp_path, shared_database_url, sink):
    redis_available()
    import redis

    name = f"kommunalnetz-test-{os.getpid()}"
    values = settings(tmp_path, shared_database_url, sink, JOBS_BACKEND="redis", REDIS_URL=REDIS_URL, JOBS_NAME=name,
                      MAIL_BATCH_SIZE=5, MAIL_CLAIM_SECONDS=60)
    try:
        message_ids = fill_outbox(values, MAILS)
        consumers = [start_consumer(values, workers=2) for _ in range(2)]
        try:
            assert wait_for(lambda: sink.count >= MAILS), f"only {sink.count} of {MAILS} mails arrived"
            time.sleep(1.0)
        finally:
            for consumer in consumers:
                stop(consumer)
        received = sink.message_ids()
        assert len(received) == len(set(received)), "a mail was sent twice"
        assert sorted(received) == sorted(message_ids)
        assert statuses(values) == [SENT] * MAILS
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"huey.*{name.replace('-', '')}*"):  # Huey drops the dashes
            client.delete(key)
