"""Partner suggestions, contact requests (double opt-in) and the matching engine behind them."""
from flask import Blueprint

from community.suggestions import rules  # noqa: F401  (registers its permissions)

bp = Blueprint("suggestions", __name__)


@bp.record_once
def _start_engine(state) -> None:
    from community.suggestions.engine import init_app

    init_app(state.app)
