"""Topic forums: forums, threads, posts with their revisions, and who watches what."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import utcnow
from community.taxonomy import TOPIC_BY_SLUG

PUBLISHED = "published"
PENDING = "pending"  # waits for a moderator's approval; visible to its author and moderators only
HIDDEN = "hidden"  # hidden by a moderator, reversible
DELETED = "deleted"  # deleted by a moderator; kept for the log and appeals
POST_STATUSES = (PUBLISHED, PENDING, HIDDEN, DELETED)


class Forum(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    description: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    # The taxonomy topic a forum was created for; None for forums an admin added.
    topic: Mapped[str | None] = mapped_column(db.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    @property
    def label(self) -> str:
        """The title to show: a topic forum is named by its topic, in the reader's language (its stored title
        is the language it was created in); an admin's forum by its title."""
        choice = TOPIC_BY_SLUG.get(self.topic or "")
        return str(choice.label) if choice else self.title

    def __repr__(self) -> str:
        return f"<Forum {self.id} {self.slug}>"


class Thread(db.Model):
    __table_args__ = (db.Index("ix_thread_forum_id_last_activity_at", "forum_id", "last_activity_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(db.ForeignKey("forum.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    last_activity_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    # Published replies, kept here so "unanswered" needs no join.
    reply_count: Mapped[int] = mapped_column(default=0, nullable=False)
    is_solved: Mapped[bool] = mapped_column(default=False, nullable=False)
    locked: Mapped[bool] = mapped_column(default=False, nullable=False)
    pinned: Mapped[bool] = mapped_column(default=False, nullable=False)
    # One post per this many seconds per user; 0 means no slow mode.
    slow_mode_seconds: Mapped[int] = mapped_column(default=0, nullable=False)

    forum = relationship("Forum")
    author = relationship("User")
    posts = relationship("Post", back_populates="thread", cascade="all, delete-orphan", order_by="Post.id")

    @property
    def opening_post(self):
        return self.posts[0] if self.posts else None

    def __repr__(self) -> str:
        return f"<Thread {self.id} forum={self.forum_id}>"


class Post(db.Model):
    __table_args__ = (db.Index("ix_post_thread_id_id", "thread_id", "id"),
                      db.Index("ix_post_author_id_created_at", "author_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(db.ForeignKey("thread.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    status: Mapped[str] = mapped_column(db.String(12), default=PUBLISHED, nullable=False, index=True)
    is_opening: Mapped[bool] = mapped_column(default=False, nullable=False)
    is_solution: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    thread = relationship("Thread", back_populates="posts")
    author = relationship("User")
    revisions = relationship("PostRevision", back_populates="post", cascade="all, delete-orphan",
                             order_by="PostRevision.id")

    @property
    def forum_id(self) -> int:
        return self.thread.forum_id

    def __repr__(self) -> str:
        return f"<Post {self.id} thread={self.thread_id} {self.status}>"


class PostRevision(db.Model):
    """The text a post had before an edit; moderators see the history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(db.ForeignKey("post.id", ondelete="CASCADE"), index=True, nullable=False)
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    edited_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(db.String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    post = relationship("Post", back_populates="revisions")
    edited_by = relationship("User")


class ThreadWatch(db.Model):
    """A user watching a thread or a whole forum (exactly one of the two is set)."""

    __table_args__ = (
        db.UniqueConstraint("user_id", "thread_id", name="uq_thread_watch_user_thread"),
        db.UniqueConstraint("user_id", "forum_id", name="uq_thread_watch_user_forum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    thread_id: Mapped[int | None] = mapped_column(db.ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(db.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    thread = relationship("Thread")
