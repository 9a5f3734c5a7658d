"""Operations: readiness names the failing part, metrics count requests and answer only allowed
addresses, logs carry a request id and a user id but no e-mail, errors reach a Sentry-compatible server
without personal data, security.txt, the version in the admins' footer."""
import gzip
import io
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask_migrate import stamp

from community import create_app
from community.models_base import utcnow
from community.operations import heartbeat
from community.operations.logs import JsonFormatter
from community.operations.version import version
from tests.conftest import config_with
from tests.factories import PASSWORD, login, make_org, make_user, sign_in


@pytest.fixture
def ready_app(app):
    """An app whose database is at the migrations' head and whose consumer just beat."""
    stamp()
    heartbeat.beat(heartbeat.CONSUMER)
    yield app
    stamp(revision="base")  # the PostgreSQL test schema outlives the test; truncating leaves this table


def readyz(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_ready_when_every_part_is(ready_app, client):
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ok" and body["version"] == version()
    assert set(body["checks"]) == {"database", "migrations", "matching", "consumer"}  # no REDIS_URL: no redis


def test_redis_down_is_503_naming_redis(ready_app, client):
    ready_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    status, body = readyz(client)
    assert status == 503
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"]["ok"] is False and "Redis" in body["checks"]["redis"]["detail"]


def test_stale_consumer_heartbeat_is_503_naming_the_consumer(ready_app, client):
    heartbeat.beat(heartbeat.CONSUMER, at=utcnow() - timedelta(minutes=3))
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["consumer"]
    assert "limit 120 s" in body["checks"]["consumer"]["detail"]


def test_no_consumer_ever_is_503(app, client):
    stamp()
    status, body = readyz(client)
    stamp(revision="base")
    assert status == 503 and body["failing"] == ["consumer"]


def test_database_behind_the_migrations_is_503_naming_migrations(app, client):
    heartbeat.beat(heartbeat.CONSUMER)
    stamp(revision="base")  # the schema exists but Alembic never stamped it
    status, body = readyz(client)
    assert status == 503 and body["failing"] == ["migrations"]
    assert "flask db upgrade" in body["checks"]["migrations"]["detail"]


def test_liveness_stays_liveness(ready_app, client):
    ready_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    assert client.get("/healthz").status_code == 200


# --- metrics ---------------------------------------------------------------------------------------


def sample(text: str, name: str, **labels) -> float:
    wanted = name + ("{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "}" if labels else "")
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_request_shows_up_in_the_metrics(client):
    labels = {"endpoint": "auth.login", "method": "GET", "status": "200"}
    before = sample(scrape(client), "kommunalnetz_http_requests_total", **labels)
    assert client.get("/login").status_code == 200
    text = scrape(client)
    assert sample(text, "kommunalnetz_http_requests_total", **labels) == before + 1
    assert sample(text, "kommunalnetz_http_request_duration_seconds_count", endpoint="auth.login") >= 1
    for fact in ('kommunalnetz_mail_outbox{state="pending"}', "kommunalnetz_mail_oldest_pending_seconds",
                 "kommunalnetz_job_queue_length", "kommunalnetz_matching_index_records", "kommunalnetz_open_sockets"):
        assert fact in text, fact


def test_a_wrong_password_is_counted(client):
    user = make_user(make_org())
    before = sample(scrape(client), "kommunalnetz_login_failures_total", reason="wrong_password")
    login(client, user, password=PASSWORD + "x")
    assert sample(scrape(client), "kommunalnetz_login_failures_total", reason="wrong_password") == before + 1


def test_metrics_refuse_an_address_not_allowed(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403


def test_metrics_answer_an_allowed_network(app, client):
    app.config["METRICS_ALLOWED"] = "10.0.0.5, 203.0.113.0/24"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 403


def test_metrics_refuse_a_forwarded_request_without_trusted_proxies(client):
    """Behind nginx without TRUSTED_PROXIES every client looks like loopback: the header gives it away."""
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


# --- logs ------------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kommunalnetz.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_an_incoming_request_id_is_kept_and_logged_with_the_user_id_not_the_email(client, json_log):
    user = make_user(make_org(), email="anna.schmidt@example.org")
    sign_in(client, user)
    response = client.get("/account/", headers={"X-Request-ID": "edge-4711"})
    assert response.headers["X-Request-ID"] == "edge-4711"
    entry = [line for line in json_log() if line.get("request_id") == "edge-4711"][0]
    assert entry["user_id"] == user.id and entry["status"] == 200 and entry["path"] == "/account/"
    assert "example.org" not in json.dumps(json_log())


def test_a_request_without_an_id_gets_one(client):
    assert len(client.get("/login").headers["X-Request-ID"]) == 32
    too_long = "x" * 300  # an id we would not pass on to the log store
    assert client.get("/login", headers={"X-Request-ID": too_long}).headers["X-Request-ID"] != too_long
    assert client.get("/login", headers={"X-Request-ID": "a b"}).headers["X-Request-ID"] != "a b"


def test_the_client_address_comes_from_the_trusted_proxy(json_log):
    app = create_app(config_with(TRUSTED_PROXIES=1))
    app.test_client().get("/.well-known/security.txt", headers={"X-Forwarded-For": "198.51.100.7"},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert json_log()[-1]["client"] == "198.51.100.7"


def test_email_addresses_never_reach_the_log():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "mail to %s failed", ("anna@example.org",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "mail to [email] failed"


# --- error reports ---------------------------------------------------------------------------------


class FakeSentry(ThreadingHTTPServer):
    """A Sentry-compatible ingest on loopback: it keeps every envelope it is sent."""

    def __init__(self):
        self.envelopes: list[str] = []
        self.arrived = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                elif self.headers.get("Content-Encoding") == "br":
                    import brotli

                    body = brotli.decompress(body)
                server.envelopes.append(body.decode())
                server.arrived.set()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_an_error_reaches_the_sentry_server_without_personal_data(app):
    import sentry_sdk

    sink = FakeSentry()
    try:
        app.config["SENTRY_DSN"] = f"http://publickey@127.0.0.1:{sink.server_port}/1"
        app.config["PROPAGATE_EXCEPTIONS"] = False
        from community.operations import sentry

        sentry.init_app(app)

        # Built at run time: the report carries the source lines around the error, and these must not
        # be found there by accident.
        address, cookie, token = "anna.schmidt" + "@example.org", "very-secret-" + "cookie", "secret-" + "token"

        @app.route("/boom")
        def boom():
            raise RuntimeError(f"delivery to {address} failed")

        client = app.test_client()
        client.set_cookie("session", cookie, domain="localhost")
        response = client.get("/boom", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 500
        sentry_sdk.flush(timeout=10)
        assert sink.arrived.wait(10), "no event reached the server"
        sent = "\n".join(sink.envelopes)
        assert "RuntimeError" in sent and "delivery to [email] failed" in sent
        for secret in (address, cookie, token):
            assert secret not in sent, secret
    finally:
        sentry_sdk.init()  # no DSN: nothing more is sent
        sink.shutdown()
        sink.server_close()


# --- security.txt and the version ------------------------------------------------------------------


def test_security_txt_is_404_without_a_contact(client):
    assert client.get("/.well-known/security.txt").status_code == 404


def test_security_txt_follows_rfc_9116(app, client):
    app.config["SECURITY_CONTACT"] = "mailto:security@kommunalnetz.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"] == "mailto:security@kommunalnetz.example"
    assert fields["Preferred-Languages"] == "de, en"
    assert fields["Expires"] > (utcnow() + timedelta(days=30)).isoformat()


def test_a_contact_that_is_neither_mailto_nor_https_refuses_the_start():
    with pytest.raises(ValueError, match="SECURITY_CONTACT"):
        create_app(config_with(SECURITY_CONTACT="security@kommunalnetz.example"))


def test_the_version_is_in_the_footer_for_admins_only(client):
    org = make_org()
    sign_in(client, make_user(org))
    assert f"Version {version()}" not in client.get("/").get_data(as_text=True)
    sign_in(client, make_user(org, role="admin"))
    assert f"Version {version()}" in client.get("/").get_data(as_text=True)


def test_metrics_add_up_the_processes_sharing_prometheus_multiproc_dir(tmp_path):
    """Two processes answer a request each; a third, scraped, reports both (prometheus_client's
    multiprocess mode, as under systemd with several web processes)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path), LOG_CONFIGURE="0")
    script = ("from community import create_app\nfrom tests.conftest import config_with\n"
              "from community.extensions import db\n"
              "app = create_app(config_with())\n"
              "with app.app_context():\n    db.create_all()\n    client = app.test_client()\n"
              "    if {scrape}:\n        print(client.get('/metrics').get_data(as_text=True))\n"
              "    else:\n        assert client.get('/login').status_code == 200\n")
    for _process in range(2):
        subprocess.run([sys.executable, "-c", script.format(scrape=False)], env=env, check=True, timeout=120)
    scraped = subprocess.run([sys.executable, "-c", script.format(scrape=True)], env=env, check=True, timeout=120,
                             capture_output=True, text=True).stdout
    assert sample(scraped, "kommunalnetz_http_requests_total", endpoint="auth.login", method="GET", status="200") == 2
