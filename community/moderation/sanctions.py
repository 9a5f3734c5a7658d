"""Decisions about people: appeals against moderation decisions, sanctions, moderator assignments.

Each is appended to the moderation log (community/moderation/services.py writes and reads it) and
the person concerned is told what was decided and why.
"""
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.auth.services import find_user_by_email
from community.errors import Conflict
from community.extensions import db
from community.forums.models import Forum
from community.i18n import N_
from community.models_base import get_or_not_found, utcnow
from community.moderation import items, live, services
from community.moderation.items import VISIBLE
from community.moderation.models import (
    BAN, SANCTION_KINDS, SUSPEND, WARN, Appeal, ModerationAction, ModeratorAssignment, Sanction,
)
from community.moderation.state import blocking_sanction  # noqa: F401  (routes and tests ask here too)
from community.notifications.services import notify
from community.rooms.models import Room
from community.validation import Id, Number, OneOf, Schema, Text

MAX_SANCTION_DAYS = 3650
APPEAL_SCHEMA = Schema({"text": Text(services.REASON_MAX, required=True, multiline=True)})
DECISION_SCHEMA = Schema({"outcome": OneOf(("upheld", "reverted"), required=True),
                          "reason": Text(services.REASON_MAX, required=True, multiline=True)})
SANCTION_SCHEMA = Schema({"kind": OneOf(SANCTION_KINDS, required=True),
                          "reason": Text(services.REASON_MAX, required=True, multiline=True),
                          "days": Number(1, MAX_SANCTION_DAYS)})
ASSIGN_SCHEMA = Schema({"email": Text(254, required=True), "forum_id": Id(), "room_id": Id()})
LIFT_SCHEMA = Schema({"reason": Text(services.REASON_MAX, required=True, multiline=True)})


# --- appeals -------------------------------------------------------------------------------------


def get_action(action_id) -> ModerationAction:
    return get_or_not_found(ModerationAction, action_id, _l("This moderation decision does not exist."))


def appeal(user, action_id, data: dict) -> Appeal:
    """Object to a decision: the item goes back to the queue, for a moderator other than the one who acted."""
    entry = get_action(action_id)
    policy.require(user, "moderation.appeal", entry)
    if entry.action not in services.APPEALABLE:
        raise Conflict(_l("This decision cannot be appealed."))
    values = APPEAL_SCHEMA.clean(data)
    if db.session.scalars(db.select(Appeal).filter_by(action_id=entry.id)).first() is not None:
        raise Conflict(_l("You have already appealed this decision."))
    record = Appeal(action_id=entry.id, user_id=user.id, text=values["text"])
    db.session.add(record)
    db.session.commit()
    return record


def decide_appeal(moderator, appeal_id, data: dict) -> Appeal:
    record = get_or_not_found(Appeal, appeal_id, _l("This appeal does not exist."))
    policy.require(moderator, "moderation.decide_appeal", record)
    if record.outcome is not None:
        raise Conflict(_l("This appeal has already been decided."))
    values = DECISION_SCHEMA.clean(data)
    entry = record.action
    item = items.load_item(entry.item_type, entry.item_id, include_deleted=True)
    if values["outcome"] == "reverted":
        if entry.action == "edit":
            items.edit_text(item, entry.previous_text or "", moderator)
        else:
            items.set_state(item, VISIBLE)
    record.outcome, record.decided_by_id, record.decided_at = values["outcome"], moderator.id, utcnow()
    action = "restore" if values["outcome"] == "reverted" else "uphold"
    services.log_action(moderator, action, item.type, item.id, item.author_id, values["reason"])
    db.session.commit()
    services.after_commit(item)
    if record.user_id is not None:
        message = (N_("Your appeal was successful: %(reason)s") if action == "restore"
                   else N_("Your appeal was rejected: %(reason)s"))
        notify([record.user_id], "moderation", message, url_for("moderation.my_sanctions"), reason=values["reason"])
    return record




# --- sanctions and moderator assignments -------------------------------------------------------------


def sanction_target(moderator, user_id) -> User:
    target = get_or_not_found(User, user_id, _l("This account does not exist."),
                              hidden=lambda target: not target.is_active)
    policy.require(moderator, "sanction.create", target)
    return target


def sanction(moderator, user_id, data: dict) -> Sanction:
    target = sanction_target(moderator, user_id)
    values = SANCTION_SCHEMA.clean(data)
    if values["kind"] in ("mute", "suspend") and values["days"] is None:
        raise services.invalid(days=_l("Give the duration in days."))
    ends_at = utcnow() + timedelta(days=values["days"]) if values["days"] and values["kind"] != WARN else None
    record = Sanction(user_id=target.id, kind=values["kind"], reason=values["reason"], created_by_id=moderator.id,
                      ends_at=ends_at)
    db.session.add(record)
    services.log_action(moderator, values["kind"], "user", target.id, target.id, values["reason"])
    db.session.commit()
    notify([target.id], "moderation", N_("Moderation: you were %(action)s. Reason: %(reason)s"),
           url_for("moderation.my_sanctions"), action=services.action_label(values["kind"]), reason=values["reason"])
    if record.kind in (SUSPEND, BAN):
        live.end_sockets(record)
    return record


def lift(moderator, sanction_id, data: dict) -> Sanction:
    """End a mute, suspension or ban early; the log keeps who lifted it and why, and the user is told."""
    record = get_or_not_found(Sanction, sanction_id, _l("This sanction does not exist."))
    policy.require(moderator, "sanction.lift", record)
    values = LIFT_SCHEMA.clean(data)
    now = utcnow()
    if not record.active_at(now):
        raise Conflict(_l("This sanction is no longer in force."))
    record.ends_at = now
    services.log_action(moderator, "lift", "user", record.user_id, record.user_id, values["reason"])
    db.session.commit()
    notify([record.user_id], "moderation", N_("Moderation: your sanction (%(action)s) was lifted. Reason: %(reason)s"),
           url_for("moderation.my_sanctions"), action=services.action_label(record.kind), reason=values["reason"])
    return record


def sanctions_against(target: User) -> list[Sanction]:
    """Every sanction of a user, newest first, for the moderator's page (reached via sanction_target)."""
    return list(db.session.scalars(db.select(Sanction).filter_by(user_id=target.id).order_by(Sanction.id.desc())))


def sanctions_of(user) -> list[Sanction]:
    policy.require(user, "sanction.view_own")
    return list(db.session.scalars(db.select(Sanction).filter_by(user_id=user.id).order_by(Sanction.id.desc())))


def decisions_about(user) -> list[ModerationAction]:
    """Moderation decisions about the user's contributions and account (and, for an organisation admin,
    the organisation's profile): their statements of reasons."""
    policy.require(user, "sanction.view_own")
    about = ModerationAction.subject_user_id == user.id
    if user.is_org_admin and user.organisation_id is not None:  # the organisation's profile text
        about = db.or_(about, db.and_(ModerationAction.item_type == items.PROFILE,
                                      ModerationAction.item_id == user.organisation_id))
    return list(db.session.scalars(db.select(ModerationAction).filter(about).order_by(ModerationAction.id.desc())))


def appeals_by_action(user) -> dict[int, Appeal]:
    return {appeal.action_id: appeal for appeal in db.session.scalars(db.select(Appeal).filter_by(user_id=user.id))}


def assign_moderator(admin, user_id, forum_id=None, room_id=None) -> ModeratorAssignment:
    policy.require(admin, "moderation.assign")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or (forum_id is None) == (room_id is None):
        raise services.invalid(user_id=_l("Choose an account and one forum or room."))
    if forum_id is not None and db.session.get(Forum, forum_id) is None:
        raise services.invalid(forum_id=_l("Choose an existing forum."))
    if room_id is not None and db.session.get(Room, room_id) is None:
        raise services.invalid(room_id=_l("Choose an existing room."))
    if db.session.scalars(db.select(ModeratorAssignment).filter_by(
            user_id=user.id, forum_id=forum_id, room_id=room_id)).first() is not None:
        raise Conflict(_l("This account already moderates there."))
    record = ModeratorAssignment(user_id=user.id, forum_id=forum_id, room_id=room_id)
    db.session.add(record)
    services.log_action(admin, "assign", "forum" if forum_id else "room", forum_id or room_id, user.id, "")
    db.session.commit()
    return record


def assign_moderator_by_email(admin, data: dict) -> ModeratorAssignment:
    """The form's way in: an account's email address and one forum or room."""
    policy.require(admin, "moderation.assign")
    values = ASSIGN_SCHEMA.clean(data)
    user = find_user_by_email(values["email"])
    if user is None or not user.is_active:
        raise services.invalid(email=_l("No account has this email address."))
    if (values["forum_id"] is None) == (values["room_id"] is None):
        raise services.invalid(forum_id=_l("Choose one forum or one room."))
    return assign_moderator(admin, user.id, values["forum_id"], values["room_id"])


def unassign_moderator(admin, assignment_id) -> None:
    policy.require(admin, "moderation.assign")
    record = get_or_not_found(ModeratorAssignment, assignment_id, _l("This moderator assignment does not exist."))
    services.log_action(admin, "unassign", "forum" if record.forum_id else "room", record.forum_id or record.room_id,
                        record.user_id, "")
    db.session.delete(record)
    db.session.commit()


def moderator_assignments(admin) -> list[ModeratorAssignment]:
    policy.require(admin, "moderation.assign")
    return list(db.session.scalars(db.select(ModeratorAssignment).order_by(ModeratorAssignment.id)))
