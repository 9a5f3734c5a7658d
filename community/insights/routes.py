"""The insights page and one CSV download per chart."""
from flask import abort, render_template
from flask_login import current_user, login_required

from community import csvfile, policy
from community.insights import bp, services, views


def _charts():
    if not policy.can(current_user, "insights.view"):
        abort(403)
    return views.build(services.insights())


@bp.route("/")
@login_required
def index():
    return render_template("insights/index.html", charts=_charts())


@bp.route("/<slug>.csv")
@login_required
def download(slug: str):
    chart = next((chart for chart in _charts() if chart.slug == slug), None)
    if chart is None:
        abort(404)
    return csvfile.response(f"insights-{slug}.csv", [str(column) for column in chart.columns], chart.rows)
