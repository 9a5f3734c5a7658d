"""Partner suggestions, contact requests (double opt-in) and the matching engine behind them."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)


@bp.record_once
def _start_engine(state) -> None:
    from community.suggestions.engine import init_app

    init_app(state.app)


from community.suggestions import routes, rules  # noqa: E402,F401  (views and permissions)
