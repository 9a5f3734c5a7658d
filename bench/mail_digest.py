"""Mail throughput and isolation.

1. Daily digests of 10,000 people (three notifications each, in two categories) queued by
   `send_digests`, then delivered by one consumer process (`flask jobs consumer`) to a local SMTP sink
   (aiosmtpd on loopback): time to queue, time to deliver, mails per second.
2. A contact request's HTTP response time (POST /api/v1/contact-requests, which notifies the receiving
   organisation's members at once) while a consumer delivers to a fast SMTP server, and to a slow one
   (every mail held 2 s): the ratio should be 1 — the request only writes the outbox.

Run: .venv/bin/python bench/mail_digest.py [--people 10000] [--workers 1] [--requests 30]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from community import create_app  # noqa: E402
from community.config import Config  # noqa: E402
from community.extensions import db  # noqa: E402
from tests.smtp_sink import SMTPSink  # noqa: E402


def app_settings(directory: Path, sink: SMTPSink) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db", "JOBS_BACKEND": "sqlite",
            "JOBS_SQLITE_PATH": str(directory / "jobs.sqlite"), "MAIL_BATCH_SIZE": 100,
            "RATE_LIMITS_ENABLED": False, "MATCHING_INDEX_DIR": str(directory / "matching"),
            "SECRET_KEY": "bench", "MAIL_TIMEOUT": 30, "PUBLIC_URL": "https://kommunalnetz.example.de",
            **sink.config()}


def make_app(values: dict):
    return create_app(type("BenchConfig", (Config,), values))


def consumer(values: dict, workers: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({key: str(value) for key, value in values.items() if key != "SQLALCHEMY_DATABASE_URI"})
    env.update({"DATABASE_URL": values["SQLALCHEMY_DATABASE_URI"], "MAIL_USE_TLS": "0", "DEMO_MODE": "0",
                "RATE_LIMITS_ENABLED": "0"})
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "consumer", "--workers",
                             str(workers), "--no-periodic"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def seed_people(people: int) -> None:
    from community.auth.models import User
    from community.models_base import utcnow
    from community.notifications.models import MATCH, REPLY, Notification
    from community.organisations.models import Organisation

    org = Organisation(name="Bench", kind="municipality", org_type="gemeinde", land="05")
    db.session.add(org)
    db.session.commit()
    yesterday = utcnow() - timedelta(hours=12)
    db.session.execute(sa.insert(User), [
        {"email": f"reader{n}@example.org", "name": f"Reader {n}", "password_hash": "x",
         "organisation_id": org.id, "locale": "de" if n % 2 else "en"} for n in range(people)])
    ids = list(db.session.scalars(sa.select(User.id).order_by(User.id)))
    rows = []
    for user_id in ids:
        for number, kind in enumerate((REPLY, REPLY, MATCH)):
            rows.append({"user_id": user_id, "kind": kind, "message": "Reply by %(name)s in %(thread)s",
                         "params": {"name": f"Person {number}", "thread": "E-Akte"}, "text": "",
                         "url": f"/forums/threads/{number + 1}", "created_at": yesterday})
    db.session.execute(sa.insert(Notification), rows)
    db.session.commit()


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def digests(people: int, workers: int) -> None:
    from community.mail import digests as digest_module

    sink = SMTPSink(keep_messages=False).start()
    with tempfile.TemporaryDirectory() as tmp:
        values = app_settings(Path(tmp), sink)
        app = make_app(values)
        with app.app_context():
            db.create_all()
            seed_people(people)
            started = time.perf_counter()
            queued = digest_module.send_digests("daily", until_now=True)
            queue_seconds = time.perf_counter() - started
            db.session.remove()
        process = consumer(values, workers)
        started = time.perf_counter()
        wait_for(lambda: sink.count > 0, 120)
        first = time.perf_counter()
        done = wait_for(lambda: sink.count >= queued, 1800)
        finished = time.perf_counter()
        stop(process)
        sink.stop()
    deliver_seconds = finished - first
    print(f"digests: {people} people, {queued} daily digests queued in {queue_seconds:.1f} s "
          f"({queued / queue_seconds:.0f} digests/s rendered into the outbox)")
    print(f"delivery: one consumer ({workers} worker thread{'s' if workers > 1 else ''}), {sink.count} mails "
          f"accepted by the SMTP sink in {deliver_seconds:.1f} s after the first (consumer start "
          f"{first - started:.1f} s): {sink.count / deliver_seconds:.0f} mails/s"
          + ("" if done else "  (INCOMPLETE)"))


def contact_request_times(requests: int, slow_delay: float = 2.0) -> dict[str, list[float]]:
    """One app, one consumer, one SMTP sink whose answers are fast or slow in turn (blocks fast, slow,
    fast, slow), so the machine's changing load falls on both alike."""
    from community.auth.models import ApiToken, User
    from community.organisations.models import Organisation

    sink = SMTPSink(keep_messages=False).start()
    blocks = [("fast", 0.0), ("slow", slow_delay)] * 2
    per_block = max(requests // 2, 1)
    with tempfile.TemporaryDirectory() as tmp:
        values = app_settings(Path(tmp), sink)
        app = make_app(values)
        with app.app_context():
            db.create_all()
            count = per_block * len(blocks) + 1
            orgs = [Organisation(name=f"Gemeinde {n}", kind="municipality", org_type="gemeinde", land="05")
                    for n in range(count + 1)]
            db.session.add_all(orgs)
            db.session.flush()
            sender = User(email="sender@example.org", name="Sender", password_hash="x", organisation=orgs[0])
            db.session.add(sender)
            db.session.add_all([User(email=f"m{n}-{i}@example.org", name=f"M {n} {i}", password_hash="x",
                                     organisation=org) for n, org in enumerate(orgs[1:]) for i in range(3)])
            db.session.commit()
            _, token = ApiToken.issue(sender, name="bench")
            db.session.commit()
            targets = iter([org.id for org in orgs[1:]])
            db.session.remove()
        process = consumer(values, 1)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def contact() -> float:
            started = time.perf_counter()
            answer = client.post("/api/v1/contact-requests", headers=headers, json={
                "to_organisation_id": next(targets), "message": "Guten Tag, wir möchten uns austauschen."})
            elapsed = time.perf_counter() - started
            assert answer.status_code == 201, answer.get_data(as_text=True)
            return elapsed

        contact()  # warm-up; its mails show that the consumer is running
        wait_for(lambda: sink.count >= 3, 120)
        times: dict[str, list[float]] = {"fast": [], "slow": []}
        delivered = {"fast": 0, "slow": 0}
        for name, delay in blocks:
            sink.delay = delay
            before = sink.count
            for _ in range(per_block):
                times[name].append(contact())
                time.sleep(0.2)
            delivered[name] += sink.count - before
        stop(process)
        sink.stop()
    for name in ("fast", "slow"):
        print(f"  {name} SMTP server ({'no' if name == 'fast' else f'{slow_delay:.0f} s'} delay per mail): "
              f"{len(times[name])} requests, median {statistics.median(times[name]) * 1000:.1f} ms, "
              f"max {max(times[name]) * 1000:.1f} ms; {delivered[name]} mails delivered meanwhile")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--skip-digests", action="store_true")
    args = parser.parse_args()
    if not args.skip_digests:
        digests(args.people, args.workers)
    if args.requests < 1:
        return
    print("contact request response time (POST /api/v1/contact-requests, 3 readers mailed at once each):")
    times = contact_request_times(args.requests)
    fast, slow = statistics.median(times["fast"]), statistics.median(times["slow"])
    print(f"ratio slow/fast SMTP server (median): {slow / fast:.2f}  (1.00 = the request never waits for SMTP)")


if __name__ == "__main__":
    main()
