"""Who may write, see, review and re-use good examples.

Authors are members of public bodies (companies never write one); an example is public only once
reviewed; its organisation sees its own drafts; consultants of the competence centre and global
moderators review (never their own example).
"""
from community.policy import _signed_in, is_consultant, is_global_moderator, is_member_of, is_participant, rule


def is_reviewer(user) -> bool:
    return is_participant(user) and (is_consultant(user) or is_global_moderator(user))


def _in_public_body(user) -> bool:
    organisation = getattr(user, "organisation", None) if _signed_in(user) else None
    return organisation is not None and organisation.is_public_body


@rule("example.create")
def _create(user, target) -> bool:
    return is_participant(user) and _in_public_body(user)


@rule("example.view")
def _view(user, example) -> bool:
    """The published version: everyone. The working version: the organisation and the reviewers."""
    return example.published is not None or _view_working(user, example)


@rule("example.view_working")
def _view_working(user, example) -> bool:
    return is_member_of(user, example) or is_reviewer(user)


@rule("example.edit")
def _edit(user, example) -> bool:
    return is_participant(user) and is_member_of(user, example) and _in_public_body(user)


@rule("example.review")
def _review(user, example) -> bool:
    """Four eyes: never the author, nor whoever last changed the text (a reviewer editing a colleague's example)."""
    return is_reviewer(user) and (example is None or user.id not in (example.author_id, example.last_editor_id))


@rule("example.reuse")
def _reuse(user, example) -> bool:
    """Ask the example's organisation for contact: anyone of another organisation, if it is open to it."""
    return (is_participant(user) and getattr(user, "organisation_id", None) is not None
            and example.published is not None and not is_member_of(user, example)
            and bool(example.published.get("contact_open")))


@rule("example.vote")
def _vote(user, example) -> bool:
    return is_participant(user) and example.published is not None and not is_member_of(user, example)
