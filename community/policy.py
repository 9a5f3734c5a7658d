"""Who may do what: every permission in the application is decided here.

Rules are registered by name, so a test can walk the full matrix of roles and actions,
and templates ask `can(user, action, target)` instead of re-deriving roles.
"""
from collections.abc import Callable

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from community.errors import PermissionDenied
from community.extensions import db
from community.models_base import utcnow

Rule = Callable[[object, object], bool]
RULES: dict[str, Rule] = {}
SANCTIONS_CACHE = "policy_sanction_kinds"


def rule(action: str):
    def register(fn: Rule) -> Rule:
        RULES[action] = fn
        return fn

    return register


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user) -> bool:
    return _signed_in(user) and user.role == "admin"


def is_moderator(user) -> bool:
    return _signed_in(user) and user.role in {"moderator", "admin"}


def is_consultant(user) -> bool:
    """The competence centre's consultants; platform admins may act as one."""
    return _signed_in(user) and user.role in {"consultant", "admin"}


def _org_id(target) -> int | None:
    """The organisation a target belongs to: an organisation itself or anything with organisation_id."""
    if target is None:
        return None
    if hasattr(target, "organisation_id"):
        return target.organisation_id
    return getattr(target, "id", None)


def is_member_of(user, target) -> bool:
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == _org_id(target)


def is_org_admin_of(user, target) -> bool:
    return is_member_of(user, target) and user.is_org_admin


def roles_of(user, target=None) -> set[str]:
    """The roles a user holds, relative to the organisation of `target` where that matters."""
    if not _signed_in(user):
        return {"anonymous"}
    roles = {"member"}
    if target is not None and is_org_admin_of(user, target):
        roles.add("org_admin")
    if is_consultant(user):
        roles.add("consultant")
    if is_moderator(user):
        roles.add("moderator")
    if is_admin(user):
        roles.add("admin")
    return roles


@rule("members_only.view")
def _view_members_only(user, target) -> bool:
    return _signed_in(user)


@rule("organisation.edit")
def _edit_organisation(user, organisation) -> bool:
    return is_org_admin_of(user, organisation) or is_admin(user)


@rule("organisation.manage_members")
def _manage_members(user, organisation) -> bool:
    return is_org_admin_of(user, organisation) or is_admin(user)


@rule("organisation.view_members")
def _view_members(user, organisation) -> bool:
    return is_member_of(user, organisation) or is_admin(user)


@rule("organisation.verify")
def _verify(user, organisation) -> bool:
    return is_admin(user)


@rule("entry.create")
def _create_entry(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("entry.edit")
def _edit_entry(user, entry) -> bool:
    return is_member_of(user, entry) or is_admin(user)


@rule("entry.view")
def _view_entry(user, entry) -> bool:
    return entry.visibility == "public" or _signed_in(user)


@rule("user.set_role")
def _set_role(user, target) -> bool:
    return is_admin(user)


@rule("suggestion.view")
def _view_suggestions(user, organisation) -> bool:
    return is_member_of(user, organisation)


@rule("contact.create")
def _create_contact(user, organisation) -> bool:
    """Any member may ask another organisation (never their own) to get in touch."""
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id != _org_id(organisation)


@rule("contact.view")
def _view_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id in {request.from_org_id, request.to_org_id}


@rule("contact.decide")
def _decide_contact(user, request) -> bool:
    """Any member of the receiving organisation accepts or declines."""
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.to_org_id


@rule("contact.withdraw")
def _withdraw_contact(user, request) -> bool:
    return _signed_in(user) and user.organisation_id is not None and user.organisation_id == request.from_org_id


@rule("contact.see_details")
def _see_contact_details(user, request) -> bool:
    """Email, phone and job title of the people involved: only after the double opt-in."""
    return request.status == "accepted" and _view_contact(user, request)


@rule("room.view")
def _view_room(user, room) -> bool:
    # Topic rooms are open to every signed-in user; partner and group rooms to their members.
    return _signed_in(user) and not is_suspended(user) and (room.is_open or room.has_member(user.id))


@rule("room.post")
def _post_in_room(user, room) -> bool:
    return _view_room(user, room) and not is_muted(user) and not _room_slow_mode_waits(user, room)


@rule("room.invite")
def _invite_to_room(user, room) -> bool:
    """Members of a partner or group room add people; topic rooms need no invitation."""
    return not room.is_open and _view_room(user, room) and not is_muted(user)


@rule("room.create_topic")
def _create_topic_room(user, target) -> bool:
    return is_moderator(user) and not is_suspended(user)


@rule("room.create_group")
def _create_group_room(user, target) -> bool:
    return _signed_in(user) and user.organisation_id is not None and not is_suspended(user)


@rule("message.edit")
def _edit_message(user, message) -> bool:
    return _signed_in(user) and message.author_id == user.id and _view_room(user, message.room) \
        and not is_muted(user)


@rule("message.delete")
def _delete_message(user, message) -> bool:
    own = _signed_in(user) and message.author_id == user.id and _view_room(user, message.room)
    return own or moderates(user, message)


# --- moderation: sanctions, moderators of one forum or room, and the forums ----------------------


def active_sanction_kinds(user) -> set[str]:
    """The kinds of sanction (mute, suspend, ban) in force for the user now; warnings never restrict.

    Read once per request or socket event (one `send` asks five rules that look at sanctions) and
    read again after any commit, which may have imposed or lifted one."""
    if not _signed_in(user):
        return set()
    cache = g.setdefault(SANCTIONS_CACHE, {}) if has_app_context() else {}
    if user.id not in cache:
        from community.moderation.models import WARN, Sanction

        cache[user.id] = frozenset(db.session.scalars(db.select(Sanction.kind).filter(
            Sanction.user_id == user.id, Sanction.kind != WARN,
            db.or_(Sanction.ends_at.is_(None), Sanction.ends_at > utcnow()))))
    return cache[user.id]


def forget_sanctions(*_args) -> None:
    """Drop the sanctions read in this request (a socket event starts with this)."""
    if has_app_context():
        g.pop(SANCTIONS_CACHE, None)


event.listen(Session, "after_commit", forget_sanctions)


def is_suspended(user) -> bool:
    return bool(active_sanction_kinds(user) & {"suspend", "ban"})


def is_muted(user) -> bool:
    return bool(active_sanction_kinds(user) & {"mute", "suspend", "ban"})


def _participant(user) -> bool:
    """Signed in and neither suspended nor banned: may write."""
    return _signed_in(user) and not is_suspended(user)


def _room_slow_mode_waits(user, room) -> bool:
    from community.moderation.services import room_slow_mode_waits  # moderation imports policy

    return room_slow_mode_waits(user, room)


def moderation_scope(target) -> tuple[str, int] | None:
    """("forum", id) or ("room", id) a target belongs to; None for items only global moderators handle."""
    from community.forums.models import Forum, Post, Thread
    from community.rooms.models import Message, Room

    if isinstance(target, Forum):
        return ("forum", target.id)
    if isinstance(target, Thread):
        return ("forum", target.forum_id)
    if isinstance(target, Post):
        return ("forum", target.thread.forum_id)
    if isinstance(target, Room):
        return ("room", target.id)
    if isinstance(target, Message):
        return ("room", target.room_id)
    return getattr(target, "scope", None)  # community.moderation.items.Item


def is_global_moderator(user) -> bool:
    return is_moderator(user) and not is_suspended(user)


def has_moderator_assignment(user, scope: tuple[str, int] | None = None) -> bool:
    """Whether the user moderates this forum or room (any forum or room when scope is None)."""
    if not _participant(user):
        return False
    from community.moderation.models import ModeratorAssignment

    query = db.select(ModeratorAssignment.id).filter(ModeratorAssignment.user_id == user.id)
    if scope is not None:
        column = ModeratorAssignment.forum_id if scope[0] == "forum" else ModeratorAssignment.room_id
        query = query.filter(column == scope[1])
    return db.session.execute(query.limit(1)).first() is not None


def moderates(user, target) -> bool:
    if is_global_moderator(user):
        return True
    scope = moderation_scope(target)
    return scope is not None and has_moderator_assignment(user, scope)


@rule("forum.view")
def _view_forum(user, forum) -> bool:
    return True


@rule("forum.create")
def _create_forum(user, target) -> bool:
    return is_admin(user) and not is_suspended(user)


@rule("forum.moderate")
def _moderate_forum(user, forum) -> bool:
    """Lock, pin, move threads and set slow mode in this forum."""
    return moderates(user, forum)


@rule("thread.create")
def _create_thread(user, forum) -> bool:
    return _participant(user)


@rule("thread.watch")
def _watch(user, target) -> bool:
    return _signed_in(user)


@rule("thread.invite")
def _invite_to_thread(user, thread) -> bool:
    return _participant(user) and thread.author_id == user.id


@rule("post.create")
def _create_post(user, thread) -> bool:
    return _participant(user) and (not thread.locked or moderates(user, thread))


@rule("post.view")
def _view_post(user, post) -> bool:
    if post.status == "published":
        return True
    return (_signed_in(user) and post.author_id == user.id) or moderates(user, post)


@rule("post.edit")
def _edit_post(user, post) -> bool:
    own = _participant(user) and post.author_id == user.id and post.status in {"published", "pending"}
    return own or moderates(user, post)


@rule("post.history")
def _post_history(user, post) -> bool:
    return moderates(user, post)


@rule("post.mark_solution")
def _mark_solution(user, post) -> bool:
    if post.is_opening or post.status != "published":
        return False
    return (_participant(user) and post.thread.author_id == user.id) or moderates(user, post)


@rule("report.create")
def _create_report(user, target) -> bool:
    return _participant(user)


@rule("report.item")
def _report_item(user, item) -> bool:
    """Report a post, a room message or an organisation profile; never one's own."""
    from community.organisations.models import Organisation

    if not _participant(user):
        return False
    own = is_member_of(user, item) if isinstance(item, Organisation) else getattr(item, "author_id", None) == user.id
    return not own


@rule("moderation.queue")
def _see_queue(user, target) -> bool:
    return is_global_moderator(user) or has_moderator_assignment(user)


@rule("moderation.act")
def _act(user, item) -> bool:
    return moderates(user, item)


@rule("moderation.log")
def _see_log(user, target) -> bool:
    return is_global_moderator(user)


@rule("moderation.assign")
def _assign_moderators(user, target) -> bool:
    return is_admin(user) and not is_suspended(user)


@rule("moderation.appeal")
def _appeal(user, action) -> bool:
    """Whose contribution it was; for a profile text, the organisation's admins."""
    if not _signed_in(user):
        return False
    if action.item_type == "profile":
        return user.is_org_admin and user.organisation_id == action.item_id
    return action.subject_user_id == user.id


@rule("moderation.decide_appeal")
def _decide_appeal(user, appeal) -> bool:
    """Never the moderator whose action is appealed: a second pair of eyes decides."""
    from community.moderation.items import scope_of_action

    action = appeal.action
    if not _signed_in(user) or action.moderator_id == user.id:
        return False
    return is_global_moderator(user) or (
        scope_of_action(action) is not None and has_moderator_assignment(user, scope_of_action(action)))


@rule("sanction.create")
def _sanction(user, target_user) -> bool:
    return is_global_moderator(user) and target_user.id != user.id and not is_admin(target_user)


@rule("sanction.lift")
def _lift_sanction(user, sanction) -> bool:
    """End a sanction early; never one's own."""
    return is_global_moderator(user) and sanction.user_id != user.id


@rule("sanction.view_own")
def _view_own_sanctions(user, target) -> bool:
    return _signed_in(user)


def can(user, action: str, target=None) -> bool:
    return RULES[action](user, target)


def require(user, action: str, target=None) -> None:
    if not can(user, action, target):
        raise PermissionDenied(_l("You are not allowed to do this."))
