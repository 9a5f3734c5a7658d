"""Safe operation by default: what the application checks about its own configuration when it starts.

Outside demo mode and tests a production process refuses to start (UnsafeConfiguration, a clear message)
without SECRET_KEY, because every process would sign with a random key of its own (sessions lost on
restart, unsubscribe links from the job consumer answering 404), and with the default PUBLIC_URL,
because every mailed link would point to http://127.0.0.1:5000. Settings that are merely risky are
logged as errors: rate limits counted in each process's memory while several processes serve, and a
proxy in front (an https PUBLIC_URL, or a request carrying X-Forwarded-For) with TRUSTED_PROXIES unset.

In demo mode and tests without SECRET_KEY, one key is generated once into instance/secret_key (readable
by the owner only), so the web server and the job consumer started from the same checkout share it.
"""
import logging
import os
import secrets
from pathlib import Path

from flask import Flask, request

from community.config import DEFAULT_PUBLIC_URL

log = logging.getLogger(__name__)
SECRET_KEY_FILE = "secret_key"


class UnsafeConfiguration(SystemExit):
    """Raised instead of starting; as a SystemExit its message reaches the terminal without a traceback."""


def check(app: Flask) -> None:
    relaxed = app.config.get("TESTING") or app.config.get("DEMO_MODE")
    if not app.config.get("SECRET_KEY"):
        if not relaxed:
            raise UnsafeConfiguration(
                "Kommunalnetz refuses to start: SECRET_KEY is not set. Every process would sign sessions and "
                "links with a random key of its own. Set SECRET_KEY (e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`) to the same value for the web server and the job consumer.")
        app.config["SECRET_KEY"] = shared_secret_key(Path(app.instance_path))
    if relaxed:
        return
    if app.config["PUBLIC_URL"].rstrip("/") == DEFAULT_PUBLIC_URL:
        raise UnsafeConfiguration(
            f"Kommunalnetz refuses to start: PUBLIC_URL is the default {DEFAULT_PUBLIC_URL}. Set it to the address "
            "people reach the site by (e.g. https://kommunalnetz.example.de); every link in a mail is built from it.")
    if app.config.get("RATE_LIMITS_ENABLED") and str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(
            "memory://") and int(app.config.get("WEB_CONCURRENCY") or 1) > 1:
        log.error("Rate limits are counted in each process's memory, but WEB_CONCURRENCY=%s processes serve: "
                  "every limit is multiplied by that number. Set REDIS_URL (or RATELIMIT_STORAGE_URI).",
                  app.config["WEB_CONCURRENCY"])
    if not app.config.get("TRUSTED_PROXIES"):
        if app.config["PUBLIC_URL"].startswith("https://"):
            log.error("PUBLIC_URL is https but TRUSTED_PROXIES is 0: behind a TLS proxy every client has the "
                      "proxy's address (login throttling and rate limits hit everyone at once). Set TRUSTED_PROXIES "
                      "to the number of proxies in front.")
        _warn_on_forwarded_requests(app)


def _warn_on_forwarded_requests(app: Flask) -> None:
    """Log once per process when a request shows that a proxy stands in front although none is trusted."""
    told = []

    @app.before_request
    def _forwarded_without_trusted_proxies():
        if not told and "X-Forwarded-For" in request.headers:
            told.append(True)
            log.error("A request came through a proxy (X-Forwarded-For) but TRUSTED_PROXIES is 0: client addresses "
                      "are the proxy's. Set TRUSTED_PROXIES to the number of proxies in front.")


def shared_secret_key(instance: Path) -> str:
    """The key in instance/secret_key, created (mode 0600) on first use; a race between two processes
    starting together is settled by O_EXCL: the loser reads the winner's key."""
    path = instance / SECRET_KEY_FILE
    instance.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC)
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
