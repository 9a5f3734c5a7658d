"""Typed links of a consultation's advice, {"kind", "id"}: a registry other features extend
(good examples, trainings) with `register_link_kind`, so the advice can point at what they own."""
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.i18n import lazy_plain
from community.validation import MAX_ID


@dataclass(frozen=True)
class LinkKind:
    model: type
    url: Callable[[object], str]
    title: Callable[[object], str]
    visible: Callable[[object, object], bool]  # (viewer, row): may the viewer read its title?
    label: object = None  # what the kind is called, a lazy translation ("Good example")


LINK_KINDS: dict[str, LinkKind] = {}


def register_link_kind(kind: str, model, url, title=lambda row: row.title,
                       visible=lambda viewer, row: True, label=None) -> None:
    LINK_KINDS[kind] = LinkKind(model, url, title, visible, label)


def kind_label(kind: str) -> str:
    """The kind in the reader's language; never the slug."""
    registered = LINK_KINDS.get(kind)
    return str(registered.label) if registered is not None and registered.label is not None else ""


def resolve(link: dict):
    """The row a link points at, or None when its kind is unknown or the row is gone."""
    kind = LINK_KINDS.get(link.get("kind"))
    return None if kind is None else db.session.get(kind.model, link["id"])


def describe(link: dict, viewer=None) -> dict:
    """The link with the title and page of its target ("" when the target is gone or the viewer may not
    see it: a consultant may point at a need that only its organisation and the centre see; without a
    viewer, as a logged-out visitor)."""
    row = resolve(link)
    kind = LINK_KINDS.get(link["kind"])
    if row is not None and not kind.visible(viewer, row):
        row = None
    return {**link, "title": kind.title(row) if row else "", "url": kind.url(row) if row else ""}


class LinkList:
    """A validation rule: a list of typed links {"kind", "id"} of registered kinds whose targets exist."""

    def __init__(self, max_items: int):
        self.max_items = max_items  # Schema refuses a longer list before any link is resolved

    def clean(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise ValueError(_l("Must be a list."))
        if len(value) > self.max_items:
            raise ValueError(lazy_plain("Choose at most %(n)s.", n=self.max_items))
        cleaned = {}
        for item in value:
            if not isinstance(item, dict) or set(item) != {"kind", "id"}:
                raise ValueError(_l("Each recommendation is an object with kind and id."))
            kind, ident = item["kind"], item["id"]
            if not isinstance(kind, str) or kind not in LINK_KINDS:
                raise ValueError(lazy_plain("Unknown value: %(value)s.", value=str(kind)[:50]))
            if isinstance(ident, bool) or not isinstance(ident, int) or not 1 <= ident <= MAX_ID \
                    or resolve(item) is None:
                raise ValueError(lazy_plain("No %(kind)s with the id %(id)s.", kind=kind, id=str(ident)[:20]))
            cleaned.setdefault((kind, ident), {"kind": kind, "id": ident})
        return list(cleaned.values())


def _register_core_kinds() -> None:
    from community.forums.models import Thread
    from community.profiles.models import Need, Offer
    from community.profiles.visibility import can_see

    register_link_kind("need", Need, lambda row: url_for("profiles.show_entry", plural="needs", entry_id=row.id),
                       visible=can_see, label=_l("Need"))
    register_link_kind("offer", Offer, lambda row: url_for("profiles.show_entry", plural="offers", entry_id=row.id),
                       visible=can_see, label=_l("Offer"))
    register_link_kind("thread", Thread, lambda row: url_for("forums.thread", thread_id=row.id),
                       label=_l("Forum thread"))


_register_core_kinds()
