"""User-written Markdown to safe HTML, and the @mentions in it.

One renderer for room messages, forum posts and anything else people write: CommonMark via
markdown-it-py with raw HTML disabled, then nh3 (ammonia) as the last word on which tags,
attributes and URL schemes survive. Links get rel="nofollow noopener noreferrer ugc".

Mention handles: a user's handle is their name, lower-cased, umlauts and ß transliterated (ä → ae),
other characters than letters and digits collapsed to dots: "Sabine Krüger" is @sabine.krueger.
"""
import re
import unicodedata
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

MENTION = re.compile(r"(?<![\w@])@([\w.-]{2,64})", re.UNICODE)
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# An address written out as text: not clickable here (no linkify), but an invitation to click elsewhere.
BARE_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


@lru_cache(maxsize=256)
def render_markdown(text: str) -> str:
    """Sanitised HTML for `text`; safe to insert into a page as is. The last few renderings are kept:
    a message posted is rendered for the link check, then again for its broadcast and its ack."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def mentioned_handles(text: str) -> list[str]:
    """The @handles in `text`, in order of first appearance, without the @."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        seen.setdefault(match.group(1).rstrip(".-"), None)
    return list(seen)


def handle_of(user) -> str:
    """The @handle of a user (see the module docstring)."""
    name = unicodedata.normalize("NFKD", user.name.lower().translate(_TRANSLITERATION))
    ascii_name = name.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")


def contains_link(text: str) -> bool:
    """Whether `text` carries a link (for the no-links rule), judged on what is shown: any <a> in the
    sanitised rendering (inline, reference-style, autolinks, protocol-relative, relative), or an address
    written out in it. Not a pattern on the source, which Markdown has too many ways to spell."""
    html = render_markdown(text)
    return "<a " in html or bool(BARE_URL.search(html))
