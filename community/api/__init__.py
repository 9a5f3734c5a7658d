"""The JSON API, /api/v1: bearer-token authentication, one rate-limit budget per token user.

The modules that register views on `bp` are loaded by the factory (community/__init__.py)."""
from flask import Blueprint

from community.api.auth import api_rate_limit, rate_limit_key
from community.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Shared across the blueprint, so the limit counts all of a user's API calls together.
limiter.shared_limit(api_rate_limit, scope="api", key_func=rate_limit_key)(bp)
