"""Who may report, see the queue and the log, act, assign moderators, appeal and sanction."""
from community.policy import (_signed_in, has_moderator_assignment, is_admin, is_global_moderator, is_member_of,
                              is_participant, is_suspended, moderates, rule)


@rule("report.create")
def _create_report(user, target) -> bool:
    return is_participant(user)


@rule("report.item")
def _report_item(user, item) -> bool:
    """Report a post, a room message or an organisation profile; never one's own."""
    from community.organisations.models import Organisation

    if not is_participant(user):
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
    from community.moderation.state import scope_of_action

    action = appeal.action
    if not _signed_in(user) or action.moderator_id == user.id:
        return False
    return is_global_moderator(user) or (
        (scope := scope_of_action(action)) is not None and has_moderator_assignment(user, scope))


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
