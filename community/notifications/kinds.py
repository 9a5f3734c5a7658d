"""Which e-mail category each notification kind belongs to.

Features declare their kinds here (from their own module, at import time), so the mail feature can
send or collect every notification by the reader's preference for its category without importing the
features. A kind nobody declared is never mailed: a test walks every kind passed to `notify`.
"""
CONTACT_REQUESTS = "contact_requests"
MENTIONS = "mentions"
FORUM_REPLIES = "forum_replies"
MATCHES = "matches"
CONSULTATIONS = "consultations"
EVENTS = "events"
MODERATION = "moderation"
PROGRAMMES = "programmes"
MAIL_CATEGORIES = (CONTACT_REQUESTS, MENTIONS, FORUM_REPLIES, MATCHES, CONSULTATIONS, EVENTS, MODERATION, PROGRAMMES)

_category_of_kind: dict[str, str] = {}


def register_kind(kind: str, category: str) -> None:
    if category not in MAIL_CATEGORIES:
        raise ValueError(f"unknown mail category {category!r} for the notification kind {kind!r}")
    known = _category_of_kind.setdefault(kind, category)
    if known != category:
        raise ValueError(f"the notification kind {kind!r} is already in the category {known!r}")


def category_of(kind: str) -> str | None:
    return _category_of_kind.get(kind)


def registered_kinds() -> dict[str, str]:
    return dict(_category_of_kind)
