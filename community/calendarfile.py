"""Calendar files (RFC 5545) through the `icalendar` library: what every feature writing one needs."""
import re

from icalendar import Calendar

# Line breaks and other control characters in a one-line property either stop the library (an
# unescaped new line in X-WR-CALNAME is an error) or go out raw (CR, U+2028) and split the content
# line in calendar programs; they become a space before the library sees the text.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
# Multi-line text (DESCRIPTION) keeps its paragraphs as \n, which the library escapes; nothing else.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]+")


def one_line(text) -> str:
    return _BREAKS.sub(" ", str(text or "")).strip()


def paragraphs(text) -> str:
    return _CONTROLS.sub(" ", str(text or "").replace("\r\n", "\n").replace("\r", "\n"))


def new_calendar(prodid: str, name: str | None = None, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", one_line(name))
    return cal
