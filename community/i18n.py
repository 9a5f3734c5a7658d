"""Translated text that Jinja always escapes.

Flask-Babel's lazy strings declare themselves safe HTML (they have `__html__`), so a lazy
message that interpolates user input — "Unknown value: <script>" — would reach the page
unescaped. Wrapping them here keeps them lazy (translated when rendered, in the reader's
locale) but plain text, so autoescaping applies.
"""
from flask_babel import lazy_gettext


class PlainText:
    __slots__ = ("_text",)

    def __init__(self, text):
        self._text = text

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


def lazy_plain(message: str, **values) -> PlainText:
    """lazy_gettext whose result is escaped like any other text when rendered."""
    return PlainText(lazy_gettext(message, **values))
