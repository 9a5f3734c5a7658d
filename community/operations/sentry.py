"""Error reports to a Sentry-compatible server (self-hosted Sentry, GlitchTip) when SENTRY_DSN is set.

No personal data leaves: sentry-sdk's send_default_pii=False keeps out cookies, the user's address
and the request body, and `scrub` removes what could still carry some (Cookie and Authorization
headers, e-mail addresses anywhere in the event, the user but for the id).
"""
from flask import Flask

from community.operations.logs import redact

_SECRET_HEADERS = {"cookie", "authorization", "x-api-key", "x-forwarded-for", "x-real-ip"}


def _scrub_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(item) for item in value]
    return value


def scrub(event: dict, _hint: dict | None = None) -> dict:
    """sentry-sdk's before_send (and before_send_transaction): the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {key: value for key, value in headers.items() if key.lower() not in _SECRET_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _scrub_value(event)


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk

    from community.operations.version import version

    sentry_sdk.init(
        dsn=dsn,
        release=version(),
        environment=app.config["SENTRY_ENVIRONMENT"],
        send_default_pii=False,
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=0.0,
        max_request_body_size="never",
    )
