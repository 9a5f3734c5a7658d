"""Bearer-token authentication, the per-user rate-limit key and request helpers for the API."""
from functools import wraps

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import BadRequest

from community import policy
from community.auth.services import user_for_api_token
from community.errors import Conflict, InvalidInput, ServiceError, ValidationError
from community.i18n import lazy_plain
from community.moderation.live import sanction_event
from community.moderation.state import blocking_sanction
from community.pagination import MAX_PAGE, page_args
from community.validation import JSON_MAX_DEPTH, json_problem


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


# Kept in the WSGI environ, not in g: g lives as long as the app context, which several
# requests can share (the test client inside an app context), but a token belongs to one request.
_TOKEN_USER = "community.api.token_user"


class Banned(ServiceError):
    status = 403
    code = "banned"


def _token_owner():
    """The active account of the request's bearer token, sanctioned or not; looked up once per request.

    Cookies are ignored on the API, so a browser session can never act through it.
    """
    if _TOKEN_USER not in request.environ:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        bearer = scheme.lower() == "bearer"
        request.environ[_TOKEN_USER] = user_for_api_token(token.strip(), sanctioned_too=True) if bearer else None
    return request.environ[_TOKEN_USER]


def token_user():
    """The user the request acts for: the token's owner unless suspended or banned; else None."""
    user = _token_owner()
    return None if user is None or policy.is_suspended(user) else user


def token_required(view):
    """Authenticate by `Authorization: Bearer <token>`; sets g.api_user, or answers 401 (no valid token)
    or 403 `banned` with the reason and end date (a suspended or banned account)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        owner = _token_owner()
        if owner is None:
            raise Unauthorized(_l("A valid API token is required (Authorization: Bearer <token>)."))
        # is_suspended is read once per request (the rate-limit key asked already); only a suspended
        # owner costs the look-up of the sanction's reason and end.
        if policy.is_suspended(owner) and (sanction := blocking_sanction(owner)) is not None:
            raise Banned(sanction_event(sanction)["message"])
        g.api_user = owner
        return view(*args, **kwargs)

    return wrapper


def rate_limit_key() -> str:
    """One budget per token user, whichever of their tokens they use; anonymous calls per address."""
    user = token_user()
    return f"api-user:{user.id}" if user is not None else f"api-address:{get_remote_address()}"


def api_rate_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def json_body(refusal: type[ValidationError] = ValidationError) -> dict:
    """The request's JSON object. Anything else is refused with `refusal`: 422 on the older APIs as
    documented, InvalidInput (400) on the newer ones."""
    if not request.is_json:
        raise ServiceError(_l("Send the body as JSON with the header Content-Type: application/json."))
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):
        raise ServiceError(_l("The request body is not valid JSON.")) from None
    problem = json_problem(data)
    if problem == "too_deep":
        raise ServiceError(lazy_plain("The request body is nested too deeply (at most %(n)s levels).",
                                      n=JSON_MAX_DEPTH))
    if problem:
        raise ServiceError(_l("The request body contains text that is not valid Unicode."))
    if not isinstance(data, dict):
        raise refusal(_l("The request body must be a JSON object."))
    return data


def query_value(name: str) -> str | None:
    """One query parameter, given at most once: a repeated one is refused (400), not half-read."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise InvalidInput(_l("Please correct the marked fields."), fields={name: _l("Give this parameter once.")})
    return values[0] if values else None


def request_page() -> tuple[int, int]:
    """page and per_page from the query string as documented: whole numbers from 1 (page at most
    MAX_PAGE), per_page reduced to MAX_PER_PAGE; anything else is refused with 400 naming the field."""
    errors = {}
    numbers = {}
    for name, default, maximum in (("page", 1, MAX_PAGE), ("per_page", current_app.config["PER_PAGE"], None)):
        raw = query_value(name)
        if raw is None:
            numbers[name] = default
        elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= (maximum or int(raw)):
            numbers[name] = int(raw)
        else:
            errors[name] = (lazy_plain("Enter a whole number from 1 to %(n)s.", n=maximum) if maximum
                            else _l("Enter a whole number from 1."))
    if errors:
        raise InvalidInput(_l("Please correct the marked fields."), fields=errors)
    return page_args(numbers["page"], numbers["per_page"], current_app.config["PER_PAGE"])


def own_organisation(user):
    """The organisation the token user belongs to; an account without one cannot act for one."""
    if user.organisation is None:
        raise Conflict(_l("Your account does not belong to an organisation."))
    return user.organisation
