"""Who may read, write, moderate and watch in the forums."""
from community.policy import _signed_in, is_admin, is_participant, is_suspended, moderates, rule


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
    return is_participant(user)


@rule("thread.watch")
def _watch(user, target) -> bool:
    return _signed_in(user)


@rule("thread.invite")
def _invite_to_thread(user, thread) -> bool:
    return is_participant(user) and thread.author_id == user.id


@rule("post.create")
def _create_post(user, thread) -> bool:
    return is_participant(user) and (not thread.locked or moderates(user, thread))


@rule("post.view")
def _view_post(user, post) -> bool:
    if post.status == "published":
        return True
    return (_signed_in(user) and post.author_id == user.id) or moderates(user, post)


@rule("post.edit")
def _edit_post(user, post) -> bool:
    own = is_participant(user) and post.author_id == user.id and post.status in {"published", "pending"}
    return own or moderates(user, post)


@rule("post.history")
def _post_history(user, post) -> bool:
    return moderates(user, post)


@rule("post.mark_solution")
def _mark_solution(user, post) -> bool:
    if post.is_opening or post.status != "published":
        return False
    return (is_participant(user) and post.thread.author_id == user.id) or moderates(user, post)
