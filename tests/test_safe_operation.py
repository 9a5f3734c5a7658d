"""Safe operation by default (community/startup.py): outside demo mode and tests the app refuses to start
without SECRET_KEY or with the default PUBLIC_URL, logs risky settings as errors, and demo processes share
one generated key in instance/secret_key."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from community import create_app, startup
from community.config import DEFAULT_PUBLIC_URL, Config

ROOT = Path(__file__).resolve().parent.parent


def production(**overrides):
    values = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": False, "DEMO_MODE": False,
              "SECRET_KEY": "a-real-secret", "PUBLIC_URL": "https://kommunalnetz.example.de", "TRUSTED_PROXIES": 1,
              "RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": 1, "JOBS_BACKEND": "memory", **overrides}
    return type("ProductionConfig", (Config,), values)


def test_production_refuses_to_start_without_secret_key():
    with pytest.raises(startup.UnsafeConfiguration, match="SECRET_KEY is not set"):
        create_app(production(SECRET_KEY=None))


def test_production_refuses_to_start_with_the_default_public_url():
    with pytest.raises(startup.UnsafeConfiguration, match="PUBLIC_URL is the default"):
        create_app(production(PUBLIC_URL=DEFAULT_PUBLIC_URL))


def test_a_complete_production_configuration_starts_quietly(caplog):
    with caplog.at_level(logging.ERROR):
        app = create_app(production())
    assert app.config["SECRET_KEY"] == "a-real-secret" and not caplog.records


def test_risky_settings_are_logged_as_errors(caplog):
    with caplog.at_level(logging.ERROR, logger="community.startup"):
        app = create_app(production(WEB_CONCURRENCY=4, TRUSTED_PROXIES=0))
    text = caplog.text
    assert "WEB_CONCURRENCY=4" in text and "REDIS_URL" in text
    assert "TRUSTED_PROXIES is 0" in text
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="community.startup"):
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.7",
                                                   "Host": "kommunalnetz.example.de"})
    assert "X-Forwarded-For" in caplog.text


def test_demo_processes_share_one_generated_key(tmp_path):
    first = startup.shared_secret_key(tmp_path / "instance")
    assert first == startup.shared_secret_key(tmp_path / "instance") and len(first) == 64
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode & 0o777) == "0o600"
    one = create_app(production(DEMO_MODE=True, SECRET_KEY=None, PUBLIC_URL=DEFAULT_PUBLIC_URL))
    other = create_app(production(DEMO_MODE=True, SECRET_KEY=None, PUBLIC_URL=DEFAULT_PUBLIC_URL))
    assert one.config["SECRET_KEY"] == other.config["SECRET_KEY"] == \
        (Path(one.instance_path) / "secret_key").read_text().strip()


def test_the_cli_refuses_with_a_clear_message_and_no_traceback():
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "PUBLIC_URL", "DEMO_MODE", "DATABASE_URL"}}
    env.update(DEMO_MODE="0", DATABASE_URL="sqlite://")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "refuses to start: SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr
