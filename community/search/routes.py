"""The search page: parse the query, call the search service, render grouped-by-rank results."""
from flask import current_app, render_template, request
from flask_login import current_user

from community.pagination import page_args
from community.search import bp, services


@bp.app_template_filter("highlight")
def highlight_filter(text, terms):
    return services.highlight(text, terms)


@bp.app_template_filter("excerpt")
def excerpt_filter(text, terms):
    return services.excerpt(text, terms)


@bp.route("/search")
def search():
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"])
    filters = services.parse_filters(request.args.get("kind"), request.args.get("topic"), request.args.get("land"))
    result = services.search(current_user, request.args.get("q"), page, per_page, filters, everything=True)
    return render_template("search/results.html", result=result, max_chars=services.MAX_QUERY_CHARS)
