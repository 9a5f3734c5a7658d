"""Live matches in rooms: who could help with what a room talks about, and with a question just asked.

Both ask the free-text search (community.search.services, which reaches the matching engine only
through community.suggestions.engine). A room's matches are computed from its title, description,
topics and last ROOM_CONTEXT_MESSAGES messages, at most once per ROOM_MATCHES_SECONDS per room and
process; a question gets its own matches at once, for its poster only.
"""
import re
import threading
import time

from flask import current_app, url_for

from community.extensions import db
from community.rooms.models import Message, Room
from community.search import services as search
from community.suggestions import engine as matching
from community.taxonomy import TOPIC_BY_SLUG

ROOM_CONTEXT_MESSAGES = 20
ROOM_MATCHES_SECONDS = 10.0
SHOWN = 5
MIN_SCORE = 0.05
EXTENSION = "rooms_live_matches"
QUESTION_WORDS = frozenset({
    "wer", "wie", "was", "wo", "wann", "warum", "wieso", "weshalb", "welche", "welcher", "welches", "woher",
    "womit", "kennt", "hat", "gibt", "kann", "könnt", "können", "habt", "sucht", "weiß",
    "who", "how", "what", "where", "when", "why", "which", "does", "do", "is", "are", "can", "has", "anyone",
})
_FIRST_WORD = re.compile(r"\w+", re.UNICODE)


def looks_like_question(text: str) -> bool:
    """Ends with a question mark or starts with a typical question word; deliberately simple."""
    text = (text or "").strip()
    if text.endswith("?"):
        return True
    first = _FIRST_WORD.search(text)
    return first is not None and first.group(0).lower() in QUESTION_WORDS


def _hit_to_dict(hit, room: Room) -> dict:
    organisation = hit.organisation
    if hit.kind == matching.ORGANISATION:
        url = url_for("organisations.show", org_id=organisation.id)
    else:
        url = url_for("profiles.show_entry", plural=hit.kind + "s", entry_id=hit.item.id)
    return {
        "record_id": matching.record_id(hit.kind, hit.item.id),
        "kind": hit.kind,
        "title": hit.title,
        "url": url,
        "score": round(hit.score, 4),
        "terms": list(hit.terms)[:5],
        "organisation": {"id": organisation.id, "name": organisation.name},
        # What one click does: add the organisation's members here, or ask it to get in touch.
        "action": "invite" if not room.is_open else "contact",
        "contact_url": url_for("suggestions.new_contact", to=organisation.id,
                               **({hit.kind: hit.item.id} if hit.kind != matching.ORGANISATION else {})),
    }


def _matches(viewer, room: Room, text: str) -> list[dict]:
    """Plain dicts, never ORM objects: the room cache outlives the session that loaded them."""
    result = search.search(viewer, text, 1, SHOWN * 4)
    return [_hit_to_dict(hit, room) for hit in result.page.items if hit.score >= MIN_SCORE]


def _for_viewer(matches: list[dict], viewer) -> list[dict]:
    """Without the viewer's own organisation: nobody needs to be told about themselves."""
    return [match for match in matches if match["organisation"]["id"] != viewer.organisation_id][:SHOWN]


def room_context(room: Room) -> str:
    bodies = db.session.scalars(db.select(Message.body).filter(Message.room_id == room.id,
                                                               Message.deleted_at.is_(None))
                                .order_by(Message.id.desc()).limit(ROOM_CONTEXT_MESSAGES)).all()
    topics = [str(TOPIC_BY_SLUG[slug].label) for slug in room.topics or () if slug in TOPIC_BY_SLUG]
    return "\n".join([room.label, room.description or "", *topics, *reversed(bodies)])[:matching.MAX_QUERY_CHARS]


def _cache() -> dict:
    return current_app.extensions.setdefault(EXTENSION, {"lock": threading.Lock(), "rooms": {}})


def room_matches(viewer, room: Room) -> list[dict]:
    """The organisations, needs and offers best matching the room, recomputed at most every few seconds."""
    cache = _cache()
    now = time.monotonic()
    with cache["lock"]:
        cached = cache["rooms"].get(room.id)
    if cached is None or now - cached[0] >= ROOM_MATCHES_SECONDS:
        cached = (now, _matches(viewer, room, room_context(room)))
        with cache["lock"]:
            cache["rooms"][room.id] = cached
    return _for_viewer(cached[1], viewer)


def question_matches(viewer, room: Room, message: Message) -> list[dict]:
    """Matches for a message that reads like a question; [] for any other message."""
    if not looks_like_question(message.body):
        return []
    return _for_viewer(_matches(viewer, room, message.body), viewer)
