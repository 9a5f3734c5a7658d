"""/healthz (liveness), /readyz (readiness), /metrics (Prometheus) and /.well-known/security.txt."""
from datetime import timedelta

from flask import Response, abort, current_app, jsonify

from community.extensions import db
from community.models_base import utcnow
from community.operations import bp, health, metrics
from community.operations.version import version


@bp.route("/healthz")
def liveness():
    """The process answers and reaches its database; nothing else (readiness is /readyz)."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok", "version": version()}


@bp.route("/readyz")
def readiness():
    ready, checks = health.readiness()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if ready else "unavailable", "version": version(), "checks": checks}
    if failing:
        body["failing"] = failing
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/metrics")
def prometheus_metrics():
    if not metrics.may_scrape():
        abort(403)
    payload, content_type = metrics.exposition()
    return Response(payload, content_type=content_type, headers={"Cache-Control": "no-store"})


@bp.route("/.well-known/security.txt")
def security_txt():
    """RFC 9116: where to report a vulnerability (SECURITY_CONTACT); 404 while none is configured."""
    contact = current_app.config.get("SECURITY_CONTACT") or ""
    if not contact:
        abort(404)
    # The file must be renewed before Expires (RFC 9116 2.5.5): served live, it always is.
    expires = (utcnow() + timedelta(days=180)).replace(microsecond=0).isoformat() + "Z"
    lines = [f"Contact: {contact}", f"Expires: {expires}", "Preferred-Languages: de, en",
             f"Canonical: {current_app.config['PUBLIC_URL']}/.well-known/security.txt"]
    policy = current_app.config.get("SECURITY_POLICY_URL")
    if policy:
        lines.append(f"Policy: {policy}")
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

