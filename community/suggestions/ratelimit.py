"""The per-organisation budget for new contact requests, shared by the web pages and the API.

Only requests that were actually sent count (201 from the API, the redirect after the form), so a
refused duplicate or a typo costs nothing; a vendor cannot mass-contact by using both channels.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from community.extensions import limiter


def _limit() -> str:
    return current_app.config["RATELIMIT_CONTACT"]


def _organisation_key() -> str:
    if request.blueprint == "api":
        from community.api.auth import token_user

        user = token_user()
    else:
        user = current_user
    organisation_id = getattr(user, "organisation_id", None) if user is not None else None
    return f"contact-org:{organisation_id}" if organisation_id else f"contact-address:{get_remote_address()}"


def _sent(response) -> bool:
    return response.status_code in (201, 302, 303)


contact_rate_limit = limiter.shared_limit(
    _limit, scope="contact-request", key_func=_organisation_key, methods=["POST"], deduct_when=_sent,
    override_defaults=False,
)
