"""API views for reports (every member) and the moderators' queue and actions."""
from flask import g

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.moderation import services


def report_to_dict(report) -> dict:
    return {"id": report.id, "item_type": report.item_type, "item_id": report.item_id, "reason": report.reason,
            "count": report.count, "is_open": report.is_open, "created_at": report.created_at.isoformat() + "Z"}


def queue_entry_to_dict(entry) -> dict:
    return {"kind": entry.kind, "item_type": entry.item.type, "item_id": entry.item.id, "text": entry.item.text,
            "context": entry.item.label, "url": entry.item.url, "since": entry.since.isoformat() + "Z",
            "report_count": entry.report.count if entry.report else 0,
            "reasons": [reporter.reason for reporter in entry.report.reporters] if entry.report else [],
            "appeal_id": entry.appeal.id if entry.appeal else None}


def action_to_dict(action) -> dict:
    return {"id": action.id, "action": action.action, "item_type": action.item_type, "item_id": action.item_id,
            "reason": action.reason, "moderator_id": action.moderator_id,
            "created_at": action.created_at.isoformat() + "Z"}


@bp.route("/reports", methods=["POST"])
@token_required
def create_report():
    return report_to_dict(services.report(g.api_user, json_body())), 201


@bp.route("/moderation/queue")
@token_required
def moderation_queue():
    page, per_page = request_page()
    return services.queue(g.api_user, page, per_page).to_dict(queue_entry_to_dict)


@bp.route("/moderation/actions", methods=["POST"])
@token_required
def moderation_action():
    outcome = services.act(g.api_user, json_body())
    body = {"changed": outcome.action is not None, "message": outcome.message,
            "action": action_to_dict(outcome.action) if outcome.action else None}
    return body, 201 if outcome.action else 200
