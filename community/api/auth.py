"""Bearer-token authentication and JSON request helpers for the API."""
from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from community.auth.services import user_for_api_token
from community.errors import ServiceError, ValidationError


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def token_required(view):
    """Authenticate by `Authorization: Bearer <token>` only; cookies are ignored on the API."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized(_l("A valid API token is required (Authorization: Bearer <token>)."))
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(_l("The request body must be a JSON object."))
    return data
