"""The things moderation acts on, behind one interface: forum posts, room messages, profile texts.

`load_item(item_type, item_id)` returns an Item with the author, the text, the scope (which forum
or room moderators may handle it) and a link; `apply(item, action, ...)` changes its state.
Hiding and deleting keep the text (in the post, the message or the log entry), so an unhide or a
successful appeal can restore it.
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.errors import NotFound
from community.extensions import db
from community.forums.models import DELETED, HIDDEN, PENDING, PUBLISHED, Post
from community.models_base import utcnow
from community.moderation.models import MESSAGE, POST, PROFILE, ModerationAction
from community.organisations.models import Organisation
from community.rooms.models import Message

VISIBLE = "visible"


@dataclass
class Item:
    type: str
    id: int
    obj: object
    author_id: int | None
    text: str
    scope: tuple[str, int] | None
    url: str
    label: str

    @property
    def state(self) -> str:
        """visible, pending, hidden or deleted."""
        if self.type == POST:
            return VISIBLE if self.obj.status == PUBLISHED else self.obj.status
        last = _last_state_action(self)
        if self.type == MESSAGE and self.obj.deleted_at is None:
            return VISIBLE
        if last is None:
            return DELETED if self.type == MESSAGE else VISIBLE
        if self.type == PROFILE:  # an organisation stays; its text is either shown or withheld
            return HIDDEN if last.action in ("hide", "delete") else VISIBLE
        return {"hide": HIDDEN, "delete": DELETED}.get(last.action, VISIBLE)


def _last_state_action(item: "Item") -> ModerationAction | None:
    return db.session.scalars(
        db.select(ModerationAction).filter_by(item_type=item.type, item_id=item.id)
        .filter(ModerationAction.action.in_(("hide", "unhide", "delete", "restore")))
        .order_by(ModerationAction.id.desc()).limit(1)).first()


def _missing():
    return NotFound(_l("This item does not exist or was deleted."))


def load_item(item_type: str, item_id, include_deleted: bool = False) -> Item:
    """The item; a missing one (or a deleted one, unless asked for) is NotFound."""
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise _missing()
    if item_type == POST:
        post = db.session.get(Post, item_id)
        if post is None:
            raise _missing()
        item = Item(POST, post.id, post, post.author_id, post.body, ("forum", post.thread.forum_id),
                    url_for("forums.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"), post.thread.title)
    elif item_type == MESSAGE:
        message = db.session.get(Message, item_id)
        if message is None:
            raise _missing()
        item = Item(MESSAGE, message.id, message, message.author_id, message.body, ("room", message.room_id),
                    url_for("rooms.show", room_id=message.room_id, _anchor=f"message-{message.id}"),
                    message.room.title)
    elif item_type == PROFILE:
        org = db.session.get(Organisation, item_id)
        if org is None:
            raise _missing()
        item = Item(PROFILE, org.id, org, None, org.description, None,
                    url_for("organisations.show", org_id=org.id), org.name)
    else:
        raise _missing()
    if item.state == DELETED and not include_deleted:
        raise _missing()
    return item


def scope_of_action(action: ModerationAction) -> tuple[str, int] | None:
    """The forum or room of the item an action was about (None for profiles and users)."""
    if action.item_type not in (POST, MESSAGE):
        return None
    try:
        return load_item(action.item_type, action.item_id, include_deleted=True).scope
    except NotFound:
        return None


def set_state(item: Item, state: str, previous_text: str | None = None) -> None:
    """Make the item visible, hidden or deleted; for profiles `previous_text` is what to restore."""
    if item.type == POST:
        item.obj.status = PUBLISHED if state == VISIBLE else state
        from community.forums.services import recount  # forums imports moderation

        recount(item.obj.thread)
    elif item.type == MESSAGE:
        item.obj.deleted_at = None if state == VISIBLE else (item.obj.deleted_at or utcnow())
    else:
        item.obj.description = previous_text or "" if state == VISIBLE else ""


def edit_text(item: Item, text: str, editor) -> None:
    if item.type == POST:
        from community.forums.services import replace_body

        replace_body(item.obj, text, editor, reason=str(_l("Edited by moderation")))
    elif item.type == MESSAGE:
        item.obj.body = text
        item.obj.edited_at = utcnow()
    else:
        item.obj.description = text


def approve(item: Item) -> bool:
    """Publish a pending item; False when it was not pending."""
    if item.type != POST or item.obj.status != PENDING:
        return False
    set_state(item, VISIBLE)
    return True
