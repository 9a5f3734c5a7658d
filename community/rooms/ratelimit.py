"""The per-user budget of socket events (join, send, sync, typing, ...), with the `limits` library
Flask-Limiter uses and the same storage (RATELIMIT_STORAGE_URI: memory, or Redis shared by all
processes).

RATELIMIT_SOCKET (community/config.py, from the environment; default "30 per 10 seconds"; several
limits separated by ";") sets it; RATE_LIMITS_ENABLED=0 turns it off with the other limits.
"""
from flask import current_app
from limits import parse_many, storage, strategies

EXTENSION = "rooms_socket_limiter"


def _limiter():
    app = current_app
    if EXTENSION not in app.extensions:
        backend = storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        limits = parse_many(app.config["RATELIMIT_SOCKET"])
        app.extensions[EXTENSION] = (strategies.MovingWindowRateLimiter(backend), limits)
    return app.extensions[EXTENSION]


def allow(user_id: int) -> bool:
    """Count one event of the user; False once the budget is spent."""
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return True
    limiter, limits = _limiter()
    return all([limiter.hit(limit, "socket", str(user_id)) for limit in limits])
