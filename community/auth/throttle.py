"""Failed logins counted per account and client (address) pair, in the rate-limit storage.

After LOGIN_MAX_FAILURES wrong passwords for one address from one client within LOGIN_LOCK_MINUTES,
that pair is refused until the window ends; the same address from another client (the owner at
work) and other addresses from the same client (colleagues behind one NAT) are not. The pair is
counted whether or not an account has the address, so the answers tell nothing about who exists.
Storage: RATELIMIT_STORAGE_URI (Redis behind several processes, shared by all), also when the HTTP
rate limits are switched off.
"""
from flask import current_app
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "login_throttle"
NAMESPACE = "login-failures"


def _limiter() -> FixedWindowRateLimiter:
    app = current_app
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))
    return app.extensions[EXTENSION]


def _window():
    config = current_app.config
    return RateLimitItemPerMinute(config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"])


def is_slowed(email: str, client: str) -> bool:
    return not _limiter().test(_window(), NAMESPACE, email, client)


def count_failure(email: str, client: str) -> None:
    _limiter().hit(_window(), NAMESPACE, email, client)


def forget(email: str, client: str) -> None:
    _limiter().clear(_window(), NAMESPACE, email, client)
