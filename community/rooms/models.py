"""Conversation rooms, their members and messages.

Three kinds: topic rooms (one per taxonomy topic, plus those moderators open; every signed-in user
may join), partner rooms (opened by an accepted contact request) and group rooms (private working
groups an organisation opens). Message ids increase monotonically per database, so a client can ask
for "everything after id N".
"""
from datetime import datetime

from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import utcnow
from community.rendering import render_markdown
from community.taxonomy import TOPIC_BY_SLUG

TOPIC = "topic"
PARTNER = "partner"
GROUP = "group"
ROOM_KINDS = (TOPIC, PARTNER, GROUP)


class Room(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(10), nullable=False, index=True)
    title: Mapped[str] = mapped_column(db.String(200), nullable=False)
    description: Mapped[str] = mapped_column(db.Text, default="", nullable=False)
    topics: Mapped[list] = mapped_column(db.JSON, default=list, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    # The taxonomy topic a built-in topic room belongs to; unique, so ensuring them is idempotent.
    topic_slug: Mapped[str | None] = mapped_column(db.String(40), unique=True)
    # The organisation that opened a group room; its members may manage it.
    organisation_id: Mapped[int | None] = mapped_column(db.ForeignKey("organisation.id", ondelete="CASCADE"))

    created_by = relationship("User")
    memberships = relationship("RoomMember", back_populates="room", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        """The title to show: a built-in topic room is named by its topic, in the reader's language."""
        choice = TOPIC_BY_SLUG.get(self.topic_slug or "")
        return str(choice.label) if choice else self.title

    @property
    def is_open(self) -> bool:
        """Whether every signed-in user may join (topic rooms); the others are for members only."""
        return self.kind == TOPIC

    def has_member(self, user_id: int | None) -> bool:
        return user_id is not None and membership_lookup(self.id, user_id)

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.kind}>"


class RoomMember(db.Model):
    room_id: Mapped[int] = mapped_column(db.ForeignKey("room.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    last_read_message_id: Mapped[int | None] = mapped_column(db.ForeignKey("message.id", ondelete="SET NULL"))

    room = relationship("Room", back_populates="memberships")
    user = relationship("User")


class Message(db.Model):
    __table_args__ = (
        # A client retrying a send with the same client_id gets the stored message, not a second one;
        # NULL client_ids never collide, on SQLite and PostgreSQL alike.
        db.UniqueConstraint("author_id", "client_id", name="uq_message_author_client"),
        db.Index("ix_message_room_id_id", "room_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(db.ForeignKey("room.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(db.Text, nullable=False)
    client_id: Mapped[str | None] = mapped_column(db.String(64))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    room = relationship("Room")
    author = relationship("User")

    @property
    def body_html(self) -> Markup:
        """The Markdown body as sanitised HTML (community.rendering), safe to insert as is."""
        return Markup(render_markdown(self.body)) if self.deleted_at is None else Markup("")

    def __repr__(self) -> str:
        return f"<Message {self.id} room={self.room_id}>"


def _member_in_database(room_id: int, user_id: int) -> bool:
    # A primary-key lookup: served from the session's identity map when already loaded.
    return db.session.get(RoomMember, (room_id, user_id)) is not None


# How Room.has_member asks: the process's cache of memberships (community/rooms/auth_cache.py) puts its own
# lookup here when it is loaded, so socket events read memberships without a query; models import no cache.
membership_lookup = _member_in_database
