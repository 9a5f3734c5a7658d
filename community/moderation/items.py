"""The things moderation acts on, behind one interface: forum posts, room messages, profile texts.

`load_item(item_type, item_id)` returns an Item with the author, the text, the scope (which forum
or room moderators may handle it) and a link; `set_state`, `edit_text` and `approve` change it.
Hiding and deleting keep the text (in the post, the message, or a WithheldProfile beside the emptied
profile description), so an unhide or a successful appeal can restore it.
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.errors import NotFound
from community.extensions import db
from community.forums.models import DELETED, HIDDEN, PENDING, PUBLISHED, Post
from community.models_base import utcnow
from community.moderation.models import MESSAGE, POST, PROFILE, ModerationAction, WithheldProfile
from community.organisations.models import Organisation
from community.organisations.services import register_description_hold
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
        if self.type == PROFILE:  # an organisation stays; its text is shown, withheld, or withheld and edited
            hold = withheld_profile(self.obj)
            return VISIBLE if hold is None else PENDING if hold.edited_at else HIDDEN
        if self.obj.deleted_at is None:
            return VISIBLE
        last = _last_state_action(self)
        return DELETED if last is None else {"hide": HIDDEN, "delete": DELETED}.get(last.action, VISIBLE)


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
        hold = withheld_profile(org)
        item = Item(PROFILE, org.id, org, None, org.description if hold is None else hold.text, None,
                    url_for("organisations.show", org_id=org.id), org.name)
    else:
        raise _missing()
    if item.state == DELETED and not include_deleted:
        raise _missing()
    return item


def set_state(item: Item, state: str) -> None:
    """Make the item visible, hidden or deleted."""
    if item.type == POST:
        item.obj.status = PUBLISHED if state == VISIBLE else state
        from community.forums.services import recount  # forums imports moderation

        recount(item.obj.thread)
    elif item.type == MESSAGE:
        item.obj.deleted_at = None if state == VISIBLE else (item.obj.deleted_at or utcnow())
    else:
        _set_profile_state(item.obj, state)


def _set_profile_state(org: Organisation, state: str) -> None:
    """Publish the withheld text (the organisation's newest), or withhold the description; a decision
    on a withheld profile counts as its review."""
    hold = withheld_profile(org)
    if state == VISIBLE:
        if hold is not None:
            org.description = hold.text
            db.session.delete(hold)
    elif hold is None:
        db.session.add(WithheldProfile(organisation_id=org.id, text=org.description))
        org.description = ""
    else:
        hold.edited_at = None


def withheld_profile(org: Organisation) -> WithheldProfile | None:
    return db.session.get(WithheldProfile, org.id)


def withhold_edit(org: Organisation, text: str) -> bool:
    """While moderation withholds the profile text, an edit of it waits for review instead of being published.

    True when the text was kept back (the caller must not publish it). Saving the withheld text unchanged
    asks for no review.
    """
    hold = withheld_profile(org)
    if hold is None:
        return False
    if text != hold.text:
        hold.text, hold.edited_at = text, utcnow()
    return True


def edit_text(item: Item, text: str, editor) -> None:
    if item.type == POST:
        from community.forums.services import replace_body

        replace_body(item.obj, text, editor, reason=str(_l("Edited by moderation")))
    elif item.type == MESSAGE:
        item.obj.body = text
        item.obj.edited_at = utcnow()
    elif (hold := withheld_profile(item.obj)) is not None:
        hold.text = text  # still withheld: as with posts, editing does not change the state
    else:
        item.obj.description = text


def approve(item: Item) -> bool:
    """Publish a pending item (a post waiting for approval, a withheld profile edited since); False when
    it was not pending."""
    if item.state != PENDING:
        return False
    set_state(item, VISIBLE)
    return True


register_description_hold(withhold_edit)
