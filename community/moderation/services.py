"""Moderation of items: reports, the review queue, actions with a statement of reasons, the log.

Every decision is appended to the moderation log (ModerationAction) and the author of the item is
told what was done, why and how to appeal. Appeals, sanctions and moderator assignments, the
decisions about people, live in community/moderation/sanctions.py.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from community import policy
from community.errors import NotFound, ValidationError
from community.auth.models import User
from community.extensions import db
from community.forums.models import PENDING, Forum, Post, Thread
from community.i18n import N_
from community.models_base import utcnow
from community.moderation import items
from community.moderation.items import VISIBLE, Item
from community.moderation.models import (
    ITEM_TYPES, REPORT_REASONS, SANCTION_KINDS, Appeal, ModerationAction, Report, ReportEntry, RoomSlowMode,
    WithheldProfile,
)
from community.notifications import kinds
from community.notifications.services import Translatable, notify
from community.pagination import Page, paginate
from community.rooms.models import Message, Room
from community.validation import Id, Number, OneOf, Schema, Text

REASON_MAX = 2000
ITEM_ACTIONS = ("approve", "hide", "unhide", "delete", "edit")
THREAD_ACTIONS = ("lock", "unlock", "pin", "unpin", "move", "slow_mode")
ACTIONS = (*ITEM_ACTIONS, *THREAD_ACTIONS)
# The author must learn why; approving or unhiding needs no reason.
REASON_REQUIRED = {"hide", "delete", "edit"}
APPEALABLE = {"hide", "delete", "edit"}
MAX_SLOW_MODE_SECONDS = 24 * 3600


ID = Id(required=True)
REPORT_SCHEMA = Schema({
    "item_type": OneOf(ITEM_TYPES, required=True),
    "item_id": ID,
    "reason": OneOf(REPORT_REASONS, required=True),
    "text": Text(REASON_MAX, multiline=True),
})
ACTION_SCHEMA = Schema({
    "action": OneOf(ACTIONS, required=True),
    "item_type": OneOf((*ITEM_TYPES, "thread", "room"), required=True),
    "item_id": ID,
    "reason": Text(REASON_MAX, multiline=True),
    "text": Text(20_000, multiline=True),
    "forum_id": Id(),
    "seconds": Number(0, MAX_SLOW_MODE_SECONDS),
})
# "publish" and "return" are the reviews of good examples (item type "example", community/examples).
LOGGED_ACTIONS = (*ACTIONS, *SANCTION_KINDS, "lift", "restore", "uphold", "assign", "unassign", "publish", "return")
LOG_FILTERS = Schema({"moderator_id": Id(), "action": OneOf(LOGGED_ACTIONS),
                      "item_type": OneOf((*ITEM_TYPES, "thread", "room", "forum", "user", "example"))})


def invalid(**fields):
    return ValidationError(_l("Please correct the marked fields."), fields=fields)


# --- reports -------------------------------------------------------------------------------------


def report(user, data: dict) -> Report:
    """Report an item; a second report of an item still waiting merges into the open one."""
    policy.require(user, "report.create")
    values = REPORT_SCHEMA.clean(data)
    item = items.load_item(values["item_type"], values["item_id"])
    policy.require(user, "report.item", item.obj)
    open_report = db.session.scalars(db.select(Report).filter_by(
        item_type=item.type, item_id=item.id, is_open=True)).first()
    if open_report is None:
        open_report = Report(item_type=item.type, item_id=item.id, reason=values["reason"], count=0)
        db.session.add(open_report)
    elif any(entry.reporter_id == user.id for entry in open_report.reporters):
        return open_report  # the same person again: nothing new to review
    open_report.count += 1
    open_report.reporters.append(ReportEntry(reporter_id=user.id, reason=values["reason"], text=values["text"]))
    db.session.commit()
    return open_report


# --- the review queue ----------------------------------------------------------------------------


@dataclass
class QueueEntry:
    kind: str  # report, pending or appeal
    item: Item
    since: datetime
    report: Report | None = None
    appeal: Appeal | None = None


def queue(user, page: int = 1, per_page: int = 20) -> Page:
    """Reported items, posts and profile edits waiting for approval, and open appeals the user may decide; oldest
    first."""
    policy.require(user, "moderation.queue")
    entries = []
    for open_report in db.session.scalars(db.select(Report).filter_by(is_open=True)):
        item = find_item(open_report.item_type, open_report.item_id)
        if item is not None:
            entries.append(QueueEntry("report", item, open_report.created_at, report=open_report))
    for post in db.session.scalars(db.select(Post).filter_by(status=PENDING)):
        entries.append(QueueEntry("pending", items.load_item("post", post.id), post.created_at))
    for hold in db.session.scalars(db.select(WithheldProfile).filter(WithheldProfile.edited_at.is_not(None))):
        entries.append(QueueEntry("pending", items.load_item("profile", hold.organisation_id), hold.edited_at))
    for appeal in db.session.scalars(db.select(Appeal).filter(Appeal.outcome.is_(None))):
        item = find_item(appeal.action.item_type, appeal.action.item_id, include_deleted=True)
        if item is not None and policy.can(user, "moderation.decide_appeal", appeal):
            entries.append(QueueEntry("appeal", item, appeal.created_at, appeal=appeal))
    entries = [entry for entry in entries if entry.kind == "appeal" or policy.can(user, "moderation.act", entry.item)]
    entries.sort(key=lambda entry: entry.since)
    start = (page - 1) * per_page
    return Page(entries[start:start + per_page], len(entries), page, per_page)


def find_item(item_type, item_id, include_deleted=False) -> Item | None:
    """The item, or None when it does not exist (any more)."""
    try:
        return items.load_item(item_type, item_id, include_deleted=include_deleted)
    except NotFound:
        return None


# --- actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    action: ModerationAction | None  # None when nothing changed (someone else was quicker)
    message: str


def act(moderator, data: dict) -> Outcome:
    values = ACTION_SCHEMA.clean(data)
    action, reason = values["action"], values["reason"]
    if action in REASON_REQUIRED and not reason:
        raise invalid(reason=_l("Give the reason: the author is told why."))
    if values["item_type"] in ("thread", "room"):
        return _act_on_container(moderator, values)
    if action not in ITEM_ACTIONS:
        raise invalid(action=_l("This action applies to threads and rooms."))
    item = items.load_item(values["item_type"], values["item_id"], include_deleted=action == "unhide")
    policy.require(moderator, "moderation.act", item)
    state, previous_text, closed = item.state, None, []
    if action == "approve":  # publishes a pending item; for a reported one: it stays, the reports close
        if not items.approve(item) and not (closed := _close_reports(item)):
            return _unchanged()
    elif action == "hide":
        if state != VISIBLE:
            return _unchanged()
        previous_text = item.text
        items.set_state(item, "hidden")
    elif action == "unhide":
        edited_while_hidden = item.type == "profile" and state == PENDING
        if state != "hidden" and not edited_while_hidden:
            return _unchanged()
        items.set_state(item, VISIBLE)
    elif action == "delete":
        previous_text = item.text
        items.set_state(item, "deleted")
    elif action == "edit":
        if not values["text"]:
            raise invalid(text=_l("This field is required."))
        previous_text = item.text
        items.edit_text(item, values["text"], moderator)
    closed += _close_reports(item)
    entry = log_action(moderator, action, item.type, item.id, item.author_id, reason, previous_text)
    db.session.commit()
    after_commit(item)
    _tell_reporters(closed, item, action)
    if action in APPEALABLE:
        _tell_author(entry, item)
    if action == "approve" and item.type == items.POST and state == PENDING:
        from community.forums.services import announce_approved  # forums imports moderation

        announce_approved(item.obj)
    return Outcome(entry, str(_l("Done.")))


def _unchanged() -> Outcome:
    db.session.rollback()
    return Outcome(None, str(_l("Nothing to do: another moderator has already dealt with this item.")))


def _close_reports(item: Item) -> list[Report]:
    """Close the item's open reports; the closed ones (none: an empty list)."""
    open_reports = db.session.scalars(db.select(Report).filter_by(item_type=item.type, item_id=item.id,
                                                                  is_open=True)).all()
    for open_report in open_reports:
        open_report.is_open, open_report.closed_at = False, utcnow()
    return list(open_reports)


REPORT_OUTCOME = "report_outcome"
kinds.register_kind(REPORT_OUTCOME, kinds.MODERATION)
OUTCOME_WORDS = {"approve": N_("it stays visible"), "hide": N_("it was hidden"), "delete": N_("it was deleted"),
                 "edit": N_("it was edited")}


def _tell_reporters(closed: list[Report], item: Item, action: str) -> None:
    """Everyone who reported the item hears what became of it, never who decided."""
    reporters = {entry.reporter_id for report in closed for entry in report.reporters if entry.reporter_id}
    if reporters and action in OUTCOME_WORDS:
        notify(sorted(reporters), REPORT_OUTCOME,
               N_("Your report on \u201c%(where)s\u201d was decided: %(outcome)s. Thank you."), item.url or "",
               where=item.label, outcome=Translatable(OUTCOME_WORDS[action]))


def log_action(moderator, action, item_type, item_id, subject_user_id, reason, previous_text=None) -> ModerationAction:
    entry = ModerationAction(moderator_id=moderator.id, action=action, item_type=item_type, item_id=item_id,
                             subject_user_id=subject_user_id, reason=reason or "", previous_text=previous_text)
    db.session.add(entry)
    db.session.flush()
    return entry


def after_commit(item: Item) -> None:
    if item.type == "profile":
        from community.signals import organisation_changed

        organisation_changed.send(item.obj)


def _tell_author(entry: ModerationAction, item: Item) -> None:
    """The statement of reasons: what was done, why, and where to appeal. A profile text is written by
    its organisation: its admins are told, and any of them may appeal."""
    recipients = [item.author_id] if item.author_id is not None else []
    if item.type == items.PROFILE:
        recipients = db.session.scalars(db.select(User.id).filter(
            User.organisation_id == item.id, User.is_org_admin.is_(True), User.deleted_at.is_(None))).all()
    notify(recipients, "moderation",
           N_("Moderation: your contribution in “%(where)s” was %(action)s. Reason: %(reason)s. "
              "You can appeal on your moderation page."), url_for("moderation.my_sanctions"),
           where=item.label, action=action_label(entry.action), reason=entry.reason)


ACTION_LABELS = {
    "hide": N_("hidden"), "delete": N_("deleted"), "edit": N_("edited"), "approve": N_("approved"),
    "unhide": N_("shown again"), "warn": N_("warned"), "mute": N_("muted"), "suspend": N_("suspended"),
    "ban": N_("banned"), "lift": N_("lifted"),
}


def action_text(action: str) -> str:
    """What was done, in the current language (for pages)."""
    return gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def action_label(action: str) -> Translatable | str:
    """What was done, as a notification value: translated into the reader's language when shown."""
    return Translatable(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def _act_on_container(moderator, values: dict) -> Outcome:
    action, model = values["action"], Thread if values["item_type"] == "thread" else Room
    target = db.session.get(model, values["item_id"])
    if target is None:
        raise NotFound(_l("This item does not exist or was deleted."))
    if model is Room and action != "slow_mode":
        raise invalid(action=_l("Rooms only have a slow mode."))
    rule = "forum.moderate" if model is Thread else "moderation.act"
    policy.require(moderator, rule, target.forum if model is Thread else target)
    if action == "slow_mode":
        if values["seconds"] is None:
            raise invalid(seconds=_l("This field is required."))
        _set_slow_mode(target, values["seconds"])
    elif action == "move":
        forum = db.session.get(Forum, values["forum_id"]) if values["forum_id"] else None
        if forum is None:
            raise invalid(forum_id=_l("Choose an existing forum."))
        policy.require(moderator, "forum.moderate", forum)
        if forum.id == target.forum_id:
            return _unchanged()
        target.forum_id = forum.id
    else:
        flag, wanted = action.removeprefix("un"), not action.startswith("un")
        flag = "locked" if flag == "lock" else "pinned"
        if getattr(target, flag) == wanted:
            return _unchanged()
        setattr(target, flag, wanted)
    entry = log_action(moderator, action, values["item_type"], target.id, None, values["reason"])
    db.session.commit()
    return Outcome(entry, str(_l("Done.")))


def _set_slow_mode(target, seconds: int) -> None:
    if isinstance(target, Thread):
        target.slow_mode_seconds = seconds
        return
    setting = db.session.get(RoomSlowMode, target.id)
    if seconds == 0:
        if setting is not None:
            db.session.delete(setting)
    elif setting is None:
        db.session.add(RoomSlowMode(room_id=target.id, seconds=seconds))
    else:
        setting.seconds = seconds


# --- the log -------------------------------------------------------------------------------------


def moderation_log(user, filters, page: int = 1, per_page: int = 50) -> Page:
    policy.require(user, "moderation.log")
    values = LOG_FILTERS.clean({name: filters.get(name) for name in LOG_FILTERS.fields})
    select = db.select(ModerationAction).order_by(ModerationAction.id.desc())
    for name, value in values.items():
        if value:
            select = select.filter(getattr(ModerationAction, name) == value)
    return paginate(select, page, per_page)
