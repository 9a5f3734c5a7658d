"""Prometheus metrics on /metrics, and the small API other features count with.

Counted per process (prometheus_client; with PROMETHEUS_MULTIPROC_DIR set before start, every process
of the machine writes its values there and any process answers for all of them):
- kommunalnetz_http_requests_total{endpoint, method, status} and the latency histogram
  kommunalnetz_http_request_duration_seconds{endpoint};
- kommunalnetz_login_failures_total{reason}: `count_login_failure("wrong_password" | "throttled" |
  "suspended" | ...)`, called by whoever refuses a login;
- kommunalnetz_open_sockets: Socket.IO connections of the process (sampled).
Read from the database when scraped (one answer for the whole platform): the job queue length, the
outbox by state and the age of the oldest pending mail, the matching index's size, its age (the newest
snapshot) and this process's lag behind the change log.
"""
import ipaddress
import logging
import os
import time

from flask import Flask, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

log = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUESTS = Counter("kommunalnetz_http_requests", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("kommunalnetz_http_request_duration_seconds", "Time to answer an HTTP request.", ["endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LOGIN_FAILURES = Counter("kommunalnetz_login_failures", "Logins refused, by reason.", ["reason"])
OPEN_SOCKETS = Gauge("kommunalnetz_open_sockets", "Open Socket.IO connections.", multiprocess_mode="livesum")


def count_login_failure(reason: str) -> None:
    """One refused login: `reason` is a short fixed word (never the address tried)."""
    LOGIN_FAILURES.labels(reason=reason).inc()


def sample_open_sockets() -> None:
    from community.extensions import socketio

    server = getattr(socketio, "server", None)
    eio = getattr(server, "eio", None)
    OPEN_SOCKETS.set(len(eio.sockets) if eio is not None else 0)


def start_socket_sampler(interval: float = 15.0) -> None:
    """Keep this process's socket count fresh between scrapes (gunicorn's post_worker_init calls it)."""
    from community.extensions import socketio

    def sample_forever():
        while True:
            sample_open_sockets()
            socketio.sleep(interval)

    socketio.start_background_task(sample_forever)


def process_registry():
    """The metrics of every process of this machine when PROMETHEUS_MULTIPROC_DIR is set, else ours."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class PlatformCollector:
    """Facts of the shared database and the queue, read at scrape time; a part that fails is left out
    and logged, so one broken part never hides the others."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        for part in (self._queue, self._outbox, self._matching):
            try:
                yield from part()
            except Exception:  # a scrape must answer with what it has
                log.exception("metrics: reading %s failed", part.__name__.lstrip("_"))

    def _queue(self):
        from community.jobs import huey

        yield GaugeMetricFamily("kommunalnetz_job_queue_length", "Jobs waiting in the queue.", huey.pending_count())

    def _outbox(self):
        import sqlalchemy as sa

        from community.extensions import db
        from community.mail.models import PENDING, STATUSES, OutboxMail
        from community.models_base import utcnow

        by_state = GaugeMetricFamily("kommunalnetz_mail_outbox", "Mails in the outbox, by state.", labels=["state"])
        counts = dict(db.session.execute(db.select(OutboxMail.status, sa.func.count()).group_by(OutboxMail.status)).all())
        for state in STATUSES:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state
        oldest = db.session.scalar(db.select(sa.func.min(OutboxMail.created_at)).filter_by(status=PENDING))
        age = 0.0 if oldest is None else max((utcnow() - oldest).total_seconds(), 0.0)
        yield GaugeMetricFamily("kommunalnetz_mail_oldest_pending_seconds", "Age of the oldest pending mail.", age)

    def _matching(self):
        from community.suggestions.engine import engine, latest_ids
        from community.suggestions.models import MatchingSnapshot
        from community.extensions import db
        from community.models_base import utcnow

        state = engine().state()
        newest_change, _snapshot = latest_ids()
        snapshot = db.session.scalars(db.select(MatchingSnapshot).order_by(MatchingSnapshot.id.desc()).limit(1)).first()
        records = state.records if state.loaded else (snapshot.records if snapshot else 0)
        yield GaugeMetricFamily("kommunalnetz_matching_index_records", "Records in the matching index.", records)
        if snapshot is not None:
            yield GaugeMetricFamily("kommunalnetz_matching_snapshot_age_seconds",
                                    "Age of the newest index snapshot (the last full rebuild).",
                                    max((utcnow() - snapshot.created_at).total_seconds(), 0.0))
        if state.loaded:
            yield GaugeMetricFamily("kommunalnetz_matching_change_lag",
                                    "Changes in the log this process has not applied yet.",
                                    max(newest_change - state.applied_change, 0))


def allowed(address: str | None, configured: str) -> bool:
    """Loopback, or an address within METRICS_ALLOWED (addresses and networks, separated by commas)."""
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if client.is_loopback:
        return True
    for entry in filter(None, (part.strip() for part in configured.split(","))):
        try:
            if client in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            log.warning("METRICS_ALLOWED: %r is neither an address nor a network", entry)
    return False


def may_scrape() -> bool:
    # Without trusted proxies, a forwarded request's peer is the proxy on loopback, not the client.
    if not current_app.config.get("TRUSTED_PROXIES") and request.headers.get("X-Forwarded-For"):
        return False
    return allowed(request.remote_addr, current_app.config["METRICS_ALLOWED"])


def exposition() -> tuple[bytes, str]:
    sample_open_sockets()
    platform = CollectorRegistry()
    platform.register(PlatformCollector(current_app))
    return generate_latest(process_registry()) + generate_latest(platform), CONTENT_TYPE_LATEST


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock():
        request.environ["kommunalnetz.started"] = time.perf_counter()

    @app.after_request
    def count_request(response):
        started = request.environ.get("kommunalnetz.started")
        if started is not None:
            endpoint = request.endpoint or "unmatched"  # bounded: never the raw path
            method = request.method if request.method in METHODS else "other"
            REQUESTS.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
            LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
        return response
