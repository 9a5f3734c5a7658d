"""The legal pages: /impressum, /barrierefreiheit, /privacy (public, also to suspended users)."""
from flask import current_app, render_template
from flask_babel import get_locale

from community.legal import bp, services


def _render(page: str):
    config = current_app.config
    locale = str(get_locale() or config["BABEL_DEFAULT_LOCALE"])[:2]
    return render_template("legal/page.html", page=page, locale=locale,
                           operator=services.operator(config),
                           own_text=services.override(config, page, locale), axe=services)


@bp.route("/impressum")
def impressum():
    return _render("impressum")


@bp.route("/barrierefreiheit")
def accessibility():
    return _render("barrierefreiheit")


@bp.route("/privacy")
def privacy():
    return _render("privacy")
