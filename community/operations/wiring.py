"""What create_app wires in for operations: logging, the request id, metrics, error reports, the version
in the log at start, and the check of SECURITY_CONTACT."""
import logging

from flask import Flask

from community.operations import logs, metrics, sentry, static_urls
from community.operations.version import version
from community.signals import sign_in_refused

log = logging.getLogger("kommunalnetz")


def check_security_contact(value: str) -> None:
    if value and not value.startswith(("mailto:", "https://")):
        raise ValueError(f"SECURITY_CONTACT must be a mailto: or https:// address (RFC 9116), not {value!r}")


def init_app(app: Flask) -> None:
    check_security_contact(app.config.get("SECURITY_CONTACT") or "")
    if app.config["LOG_CONFIGURE"]:
        logs.configure_logging(app)
    logs.init_app(app)
    metrics.init_app(app)
    sentry.init_app(app)
    static_urls.init_app(app)
    app.context_processor(lambda: {"app_version": version})
    log.info("Kommunalnetz %s", version())


@sign_in_refused.connect
def _count_refused_sign_in(code: str, method: str = "password", **_extra) -> None:
    # The password step counts itself in auth.services.authenticate (the API's logins too).
    if method != "password":
        metrics.count_login_failure(f"{method}_{code}")
