"""Who may see, add and remove attachments: exactly who may see or change what they are attached to.

An example's attachment that is not published yet is seen like the example's working version (its
organisation and the reviewers); a published one like the example. A consultation's attachments are seen by
whoever sees the case and added or removed by the competence centre's consultants, who write the result.
"""
from community import policy
from community.attachments.models import PUBLISHED
from community.policy import is_consultant, is_participant, rule


@rule("attachment.view")
def _view(user, attachment) -> bool:
    if attachment.example is not None:
        if attachment.status == PUBLISHED and attachment.example.published is not None:
            return policy.can(user, "example.view", attachment.example)
        return policy.can(user, "example.view_working", attachment.example)
    return attachment.consultation is not None and policy.can(user, "consultation.view", attachment.consultation)


@rule("attachment.add_to_example")
def _add_to_example(user, example) -> bool:
    return policy.can(user, "example.edit", example)


@rule("attachment.add_to_consultation")
def _add_to_consultation(user, case) -> bool:
    return is_participant(user) and is_consultant(user)


@rule("attachment.delete")
def _delete(user, attachment) -> bool:
    if attachment.example is not None:
        return _add_to_example(user, attachment.example)
    return attachment.consultation is not None and _add_to_consultation(user, attachment.consultation)
