"""Translated text that Jinja always escapes.

Flask-Babel's lazy strings declare themselves safe HTML (they have `__html__`), so a lazy
message that interpolates user input — "Unknown value: <script>" — would reach the page
unescaped. Wrapping them here keeps them lazy (translated when rendered, in the reader's
locale) but plain text, so autoescaping applies. `N_` marks a message id that is stored untranslated
(notifications) and translated for each reader when shown.
"""
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext


class PlainText:
    __slots__ = ("_text", "msgid")

    def __init__(self, text, msgid: str | None = None):
        self._text = text
        # Kept for a lazy message without values, so code that stores text can store the id instead.
        self.msgid = msgid

    def __str__(self) -> str:
        return str(self._text)

    def __repr__(self) -> str:
        return f"PlainText({str(self)!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __mod__(self, values) -> str:
        return str(self) % values


def plain(text) -> PlainText:
    return text if isinstance(text, PlainText) else PlainText(text)


def N_(msgid: str) -> str:  # the gettext convention; pybabel extracts N_ by default
    """Mark a message id for extraction without translating it: code that stores text translates it when shown."""
    return msgid


def lazy_plain(message: str, **values) -> PlainText:
    """lazy_gettext whose result is escaped like any other text when rendered."""
    return PlainText(lazy_gettext(message, **values), None if values else message)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, which also writes PlainText as its text: flashed messages go into the session as JSON."""

    @staticmethod
    def default(o):
        return str(o) if isinstance(o, PlainText) else DefaultJSONProvider.default(o)
