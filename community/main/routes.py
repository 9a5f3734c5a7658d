"""Home page, language switch and error pages (health and readiness: community/operations)."""
from flask import (Response, abort, current_app, jsonify, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from community.errors import ServiceError
from community.extensions import db
from community.links import safe_next
from community.main import bp


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return _start_page()
    return render_template("main/index.html")


def _start_page():
    from community.start.panels import loaded_panels

    return render_template("start/index.html", panels=loaded_panels(current_user))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


def _request_ctx_has_no_urls() -> bool:
    from flask.globals import request_ctx

    return request_ctx.url_adapter is None


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _error_response(status: int, code: str, message: str, fields: dict | None = None):
    if _request_ctx_has_no_urls():
        # A Host header beyond TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return Response(message, status=status, mimetype="text/plain")
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
        response.status_code = status
        return response
    return render_template("errors/error.html", status=status, message=message), status


@bp.app_errorhandler(ServiceError)
def service_error(error: ServiceError):
    db.session.rollback()
    payload = error.to_dict()
    return _error_response(error.status, payload["code"], payload["message"], payload["fields"])


_HTTP_ERRORS = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthorized", lambda: _("Please log in.")),
    403: ("forbidden", lambda: _("You are not allowed to do this.")),
    404: ("not_found", lambda: _("This page does not exist.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("payload_too_large", lambda: _("The request is too large.")),
    429: ("rate_limited", lambda: _("Too many requests. Please wait a moment and try again.")),
    500: ("server_error", lambda: _("Something went wrong on our side. Please try again later.")),
}


def _http_error(error):
    # Services raise ServiceError with a specific message; these are the generic fallbacks.
    status = getattr(error, "code", 500) or 500
    code, message = _HTTP_ERRORS[status]
    if status == 500:
        db.session.rollback()
    response = make_response(_error_response(status, code, message()))
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110: a 405 names them
    return response


for _status in _HTTP_ERRORS:
    bp.app_errorhandler(_status)(_http_error)
