"""Running the platform: liveness and readiness, the version, Prometheus metrics, JSON logs with a request
id, error reports to a Sentry-compatible server, the consumers' heartbeat, `flask bootstrap` and
/.well-known/security.txt (docs/operations.md)."""
from flask import Blueprint

bp = Blueprint("operations", __name__)

from community.operations import rules  # noqa: E402,F401
