"""The per-user budget of socket events (join, send, sync, typing, ...), with the `limits` library
Flask-Limiter uses and the same storage (RATELIMIT_STORAGE_URI: memory, or Redis shared by all
processes).

RATELIMIT_SOCKET (config or environment, default "30 per 10 seconds"; several limits separated by
";") sets it; RATE_LIMITS_ENABLED=0 turns it off with the other limits.
"""
import os

from flask import current_app
from limits import parse_many, storage, strategies

DEFAULT_LIMIT = "30 per 10 seconds"
EXTENSION = "rooms_socket_limiter"


def socket_limit() -> str:
    return current_app.config.get("RATELIMIT_SOCKET") or os.environ.get("RATELIMIT_SOCKET") or DEFAULT_LIMIT


def _limiter():
    app = current_app
    if EXTENSION not in app.extensions:
        backend = storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions[EXTENSION] = (strategies.MovingWindowRateLimiter(backend), parse_many(socket_limit()))
    return app.extensions[EXTENSION]


def allow(user_id: int) -> bool:
    """Count one event of the user; False once the budget is spent."""
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return True
    limiter, limits = _limiter()
    return all([limiter.hit(limit, "socket", str(user_id)) for limit in limits])
