"""Live matches in rooms: who could help with what a room talks about, and with a question just asked.

Both ask the free-text search (community.search.services, which reaches the matching engine only
through community.suggestions.engine). A room's matches are computed from its topics, description,
title (not for partner rooms: theirs is made of the two organisations' names) and last
ROOM_CONTEXT_MESSAGES messages, with the participating organisations' names taken out, at most once
per ROOM_MATCHES_SECONDS per room and process; a question gets its own matches at once, for its
poster only. Only the talk's words of substance count (`community.rooms.substance`), and a match
must meet one of them as a whole word or compound part. Neither ever names an organisation taking
part in the room (its members', its opener's, its recent authors') nor their needs and offers: they
are already here.
"""
import re
import threading
import time

from flask import current_app, url_for

from community.auth.models import User
from community.extensions import db
from community.organisations.models import Organisation
from community.profiles.visibility import Described, can_see
from community.rooms.models import PARTNER, Message, Room, RoomMember
from community.rooms.substance import substance
from community.search import services as search
from community.suggestions import engine as matching
from community.taxonomy import TOPIC_BY_SLUG
from matching import content_words

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
# A question needs this many words that can carry meaning (no stop words) to be worth a search:
# "Wie geht es?" has one and finds nothing; "Wer kennt sich mit der E-Akte aus?" has two.
SUBSTANCE_WORDS = 2


def looks_like_question(text: str) -> bool:
    """Ends with a question mark or starts with a typical question word; deliberately simple."""
    text = (text or "").strip()
    if text.endswith("?"):
        return True
    first = _FIRST_WORD.search(text)
    return first is not None and first.group(0).lower() in QUESTION_WORDS


def worth_matching(text: str) -> bool:
    """A question with substance (small talk left out): only such a message gets live matches (the search is the costly part)."""
    return looks_like_question(text) and len(set(content_words(substance(text or "")))) >= SUBSTANCE_WORDS


def _hit_to_dict(hit, room: Room, reasons: list[str]) -> dict:
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
        "terms": reasons[:5],
        "organisation": {"id": organisation.id, "name": organisation.name},
        # The room's matches are cached for every viewer: each is filtered by who reads them (_for_viewer).
        "visibility": getattr(hit.item, "visibility", "public"),
        # What one click does: add the organisation's members here, or ask it to get in touch.
        "action": "invite" if not room.is_open else "contact",
        "contact_url": url_for("suggestions.new_contact", to=organisation.id,
                               **({hit.kind: hit.item.id} if hit.kind != matching.ORGANISATION else {})),
    }


def participant_organisations(room: Room) -> set[int]:
    """The organisations taking part in the room: its members', its opener's, its recent authors'."""
    members = db.select(User.organisation_id).join(RoomMember, RoomMember.user_id == User.id).filter(
        RoomMember.room_id == room.id)
    authors = db.select(User.organisation_id).join(Message, Message.author_id == User.id).filter(
        Message.room_id == room.id, Message.id.in_(
            db.select(Message.id).filter(Message.room_id == room.id).order_by(Message.id.desc())
            .limit(ROOM_CONTEXT_MESSAGES)))
    found = set(db.session.scalars(members)) | set(db.session.scalars(authors))
    found.add(room.organisation_id)
    found.discard(None)
    return found


def _without_names(text: str, organisation_ids: set[int]) -> str:
    """`text` without the participating organisations' names: a greeting is no topic."""
    names = db.session.scalars(db.select(Organisation.name).filter(Organisation.id.in_(organisation_ids))).all()
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def _matches(viewer, room: Room, text: str) -> list[dict]:
    """Plain dicts, never ORM objects: the room cache outlives the session that loaded them."""
    participants = participant_organisations(room)
    query = substance(_without_names(text, participants))
    if not query:
        return []
    result = search.search(viewer, query, 1, SHOWN * 8)
    matches = []
    for hit in result.page.items:
        if hit.score < MIN_SCORE or hit.organisation.id in participants:
            continue
        # A match needs a word of the talk in the hit as a whole word or compound part, never a fragment.
        reasons = result.words.words_met(hit.title, hit.text) if result.words else []
        if reasons:
            matches.append(_hit_to_dict(hit, room, reasons))
    return matches


def _for_viewer(matches: list[dict], viewer) -> list[dict]:
    """Without the viewer's own organisation (nobody needs to be told about themselves) and without what
    the viewer may not see: the cached matches were found with another viewer's rights."""
    return [match for match in matches if match["organisation"]["id"] != viewer.organisation_id
            and can_see(viewer, Described(match["organisation"]["id"], match["visibility"]))][:SHOWN]


def room_context(room: Room) -> str:
    bodies = db.session.scalars(db.select(Message.body).filter(Message.room_id == room.id,
                                                               Message.deleted_at.is_(None))
                                .order_by(Message.id.desc()).limit(ROOM_CONTEXT_MESSAGES)).all()
    topics = [str(TOPIC_BY_SLUG[slug].label) for slug in room.topics or () if slug in TOPIC_BY_SLUG]
    title = "" if room.kind == PARTNER else room.label
    return "\n".join([title, room.description or "", *topics, *reversed(bodies)])[:matching.MAX_QUERY_CHARS]


class _AnyMember:
    """Whom a room's shared matches are found for: any signed-in member of no organisation and no role, so
    the cache holds only what every reader of the room may see (a consultant filling it first would
    otherwise fill it with entries kept inside their organisations)."""

    id = organisation_id = None
    role = "member"
    is_authenticated = is_active = True
    is_anonymous = False


_ANY_MEMBER = _AnyMember()


def _cache() -> dict:
    return current_app.extensions.setdefault(EXTENSION, {"lock": threading.Lock(), "rooms": {}})


def room_matches(viewer, room: Room) -> list[dict]:
    """The organisations, needs and offers best matching the room, recomputed at most every few seconds."""
    cache = _cache()
    now = time.monotonic()
    with cache["lock"]:
        cached = cache["rooms"].get(room.id)
    if cached is None or now - cached[0] >= ROOM_MATCHES_SECONDS:
        cached = (now, _matches(_ANY_MEMBER, room, room_context(room)))
        with cache["lock"]:
            cache["rooms"][room.id] = cached
    return _for_viewer(cached[1], viewer)


def question_matches(viewer, room: Room, message: Message) -> list[dict]:
    """Matches for a message that reads like a question with substance; [] for any other message."""
    if not worth_matching(message.body):
        return []
    return _for_viewer(_matches(viewer, room, message.body), viewer)
