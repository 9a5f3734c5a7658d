"""API views for forums, threads and replies; the same services as the HTML pages."""
from flask import g, url_for
from flask_babel import lazy_gettext as _l

from community.api import bp
from community.api.auth import json_body, query_value, request_page, token_required
from community.errors import InvalidInput
from community.forums import services
from community.forums.models import Forum, Thread
from community.pagination import Page


def forum_to_dict(forum: Forum) -> dict:
    return {"id": forum.id, "slug": forum.slug, "title": forum.title, "description": forum.description,
            "topic": forum.topic}


def thread_to_dict(thread: Thread) -> dict:
    opening = thread.opening_post
    return {
        "id": thread.id, "forum_id": thread.forum_id, "title": thread.title,
        "author": thread.author.display_name if thread.author else None,
        "post_id": opening.id, "body_html": services.post_to_dict(opening)["body_html"], "status": opening.status,
        "reply_count": thread.reply_count, "is_solved": thread.is_solved, "locked": thread.locked,
        "pinned": thread.pinned, "created_at": thread.created_at.isoformat() + "Z",
        "last_activity_at": thread.last_activity_at.isoformat() + "Z",
    }


@bp.route("/forums")
@token_required
def list_forums():
    forums = services.list_forums()
    page, per_page = request_page()
    start = (page - 1) * per_page
    return Page(forums[start:start + per_page], len(forums), page, per_page).to_dict(forum_to_dict)


@bp.route("/forums/<int:forum_id>/threads")
@token_required
def list_threads(forum_id: int):
    sort = query_value("sort") or "latest"
    if sort not in services.SORTS:
        raise InvalidInput(_l("Please correct the marked fields."), fields={"sort": _l("Choose one of the listed values.")})
    page, per_page = request_page()
    return services.list_threads(g.api_user, services.get_forum(forum_id), sort, page, per_page).to_dict(thread_to_dict)


@bp.route("/forums/<int:forum_id>/threads", methods=["POST"])
@token_required
def create_thread(forum_id: int):
    thread = services.create_thread(g.api_user, services.get_forum(forum_id), json_body())
    return thread_to_dict(thread), 201, {"Location": url_for("api.get_thread", thread_id=thread.id)}


@bp.route("/threads/<int:thread_id>")
@token_required
def get_thread(thread_id: int):
    thread = services.get_thread(g.api_user, thread_id)
    replies = [post for post in services.visible_posts(g.api_user, thread) if not post.is_opening]
    return {**thread_to_dict(thread), "replies": [services.post_to_dict(post) for post in replies]}


@bp.route("/threads/<int:thread_id>/replies", methods=["POST"])
@token_required
def create_reply(thread_id: int):
    post = services.reply(g.api_user, services.get_thread(g.api_user, thread_id), json_body())
    return services.post_to_dict(post), 201
