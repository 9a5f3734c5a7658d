"""JSON logs on stdout, one object a line: time, level, logger, message and, inside a request, its id
(an incoming X-Request-ID when it is sane, else a new one), the signed-in user's id (never an e-mail)
and the client's address (from the proxy headers, through ProxyFix and TRUSTED_PROXIES). E-mail
addresses in messages are replaced, so none reaches the log store. Each request ends with one
`request` line (method, path, status, duration): the access log with the real client address.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED_EMAIL = "[email]"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HANDLER_MARK = "_kommunalnetz_json"
access_log = logging.getLogger("kommunalnetz.request")


def redact(text: str) -> str:
    """The text with every e-mail address replaced."""
    return EMAIL.sub(REDACTED_EMAIL, text)


def current_user_id() -> int | None:
    """The id of the user this request already loaded (session or API token); never loads one."""
    user = g.get("api_user") or g.get("_login_user")
    return getattr(user, "id", None) if user is not None and getattr(user, "is_authenticated", False) else None


def request_fields() -> dict:
    if not has_request_context():
        return {}
    return {"request_id": g.get("request_id"), "user_id": current_user_id(), "client": request.remote_addr}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        entry.update({key: value for key, value in request_fields().items() if value is not None})
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """Root logger to stdout as JSON at LOG_LEVEL, once per process (LOG_FORMAT=text keeps plain lines)."""
    root = logging.getLogger()
    if any(getattr(handler, _HANDLER_MARK, False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        if started is not None:
            path = redact(request.path)  # /unsubscribe/<address> and the like
            access_log.info("%s %s %s", request.method, path, response.status_code, extra={
                "method": request.method, "path": path, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
        return response
