"""The JSON API, /api/v1: bearer-token authentication, one rate-limit budget per token user."""
from flask import Blueprint

from community.api.auth import api_rate_limit, rate_limit_key
from community.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Shared across the blueprint, so the limit counts all of a user's API calls together.
limiter.shared_limit(api_rate_limit, scope="api", key_func=rate_limit_key)(bp)

from community.api import entries, routes  # noqa: E402,F401  (registers the views on bp)
from community.api import suggestions  # noqa: E402,F401  (suggestions, search, contact requests)
from community.api import forums, moderation  # noqa: E402,F401  (forums, reports, moderation)
from community.api import rooms  # noqa: E402,F401  (the rooms a token user may join)
from community.api import notifications  # noqa: E402,F401  (the token user's notifications)
from community.api import consultations, insights  # noqa: E402,F401  (first consultations; the centre's insights)
from community.api import digitalcheck  # noqa: E402,F401  (the Digital-Check)
from community.api import events  # noqa: E402,F401  (trainings and events)
from community.api import examples  # noqa: E402,F401  (good examples)
