"""Where the forums plug into other features: published posts are a record kind of the matching engine
("post:<id>"), so the one search (community/search) finds them by their words, ranked like everything else.

Only what every reader may read is indexed: published posts of threads whose opening post is published.
Every write of a post (new, edited, hidden, approved, deleted by moderation) logs its change in the same
transaction (engine.track_changes), and search re-reads the visible rows at query time, so a post hidden a
moment ago is never shown even by a process that has not replayed the change yet.
"""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from community.extensions import db
from community.forums.models import PUBLISHED, Forum, Post, Thread
from community.search.services import Found, register_search_kind
from community.suggestions import engine as matching
from matching import Record

KIND = "post"


def post_record(post: Post) -> Record:
    # The thread's title belongs to its opening post: a reply is found by its own words.
    title = post.thread.title if post.is_opening else ""
    owner = f"org:{post.author.organisation_id}" if post.author and post.author.organisation_id else None
    return Record(id=matching.record_id(KIND, post.id), kind=KIND, title=title, text=post.body,
                  topics=(post.thread.forum.topic,) if post.thread.forum.topic else (), owner=owner)


def _readable() -> sa.Select:
    """Published posts of threads whose opening post is published: what every reader may read."""
    opening = sa.select(Post.thread_id).filter(Post.is_opening.is_(True), Post.status == PUBLISHED)
    return db.select(Post).filter(Post.status == PUBLISHED, Post.thread_id.in_(opening))


def _changed(connection, post: Post):
    """The post; for an opening post every post of its thread (they are readable only while it is)."""
    if not post.is_opening or post.thread_id is None:
        return [matching.record_id(KIND, post.id)]
    ids = connection.scalars(sa.select(Post.id).filter(Post.thread_id == post.thread_id)).all()
    return [matching.record_id(KIND, post_id) for post_id in {post.id, *ids}]


matching.register_record_kind(KIND, Post, post_record, lambda: _readable().options(
    joinedload(Post.thread).joinedload(Thread.forum), joinedload(Post.author)))
matching.track_changes(Post, _changed)


def _find(viewer, ids: list[int]) -> dict[int, Found]:
    """The readable posts of these ids (the same rule as the index, checked again now)."""
    rows = db.session.execute(
        _readable().with_only_columns(Post.id, Post.body, Post.is_opening, Thread.id.label("thread_id"),
                                      Thread.title, Forum.title.label("forum"), Forum.topic)
        .join(Thread, Thread.id == Post.thread_id).join(Forum, Forum.id == Thread.forum_id)
        .filter(Post.id.in_(ids)))
    return {row.id: Found(title=row.title, text=row.body,
                          url=url_for("forums.thread", thread_id=row.thread_id, _anchor=f"post-{row.id}"),
                          topics=(row.topic,) if row.topic else (), source=row.forum, group=row.thread_id)
            for row in rows}


register_search_kind(KIND, _l("Forum post"), _l("Forum posts"), _find, order=60)
