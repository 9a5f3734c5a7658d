"""The Digital-Check's own recommendation sources: peers ahead, offers matching the proposed needs, forum
threads. Other features (good examples, events) register theirs the same way (recommendations.py)."""
from flask import g, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from community.digitalcheck import recommendations, services
from community.extensions import db


def _latest(organisation):
    """The organisation's latest submitted assessment, looked up once per request (every source asks)."""
    if not has_request_context():
        return services.latest_submitted(organisation.id)
    cache = g.setdefault("digitalcheck_latest", {})
    if organisation.id not in cache:
        cache[organisation.id] = services.latest_submitted(organisation.id)
    return cache[organisation.id]


def _peers(organisation, dimension, topics, limit):
    found = []
    for peer in services.peers_ahead(organisation, dimension, limit, latest=_latest(organisation)):
        reason = (_("Scores %(score)s in this field; same population class.", score=round(peer["score"]))
                  if peer["same_class"] else _("Scores %(score)s in this field.", score=round(peer["score"])))
        found.append({"title": peer["name"], "url": url_for("organisations.show", org_id=peer["organisation_id"]),
                      "reason": reason})
    return found


def _same_offer(offer) -> tuple[str, str]:
    """Offers with the same title and text are one offer, whoever provides it (a product several
    resellers list, a demo text several vendors share): one card with all its providers."""
    return (" ".join(offer.title.split()).casefold(), " ".join(offer.body.split()).casefold())


# Candidates asked of the engine per need: more than shown, since the Land filter and the merging of the
# same offer of several providers thin them out.
OFFER_CANDIDATES = 12


def _offers(organisation, dimension, topics, limit):
    """Offers the matching engine finds for the field's proposed (or adopted) needs: one card per distinct
    offer with its providers; funding programmes only of the organisation's Land, the Bund and the EU."""
    from sqlalchemy.orm import joinedload

    from community.profiles.models import Offer
    from community.profiles.visibility import can_see
    from community.suggestions import engine as matching
    from matching import Record

    assessment = _latest(organisation)
    if assessment is None:
        return []
    # Matched by their German text whatever the reader's language: switching the language never changes what
    # a proposed need matches (#24).
    questions = services.questionnaire_for(assessment).questions
    texts = [(str(need.title.de), str(need.text.de), tuple(p["topics"])) for p in services.proposed_needs(assessment)
             if p["dimension"] == dimension and (need := questions[p["key"]].need) is not None]
    texts += [(need.title, need.body, tuple(need.topics)) for link in assessment.need_links
              if (need := link.need) is not None and link.key.split(".")[0] == dimension]
    if not texts:
        return []
    seen, cards = set(), {}
    for title, text, need_topics in texts:
        record = Record(id=f"dcheck:{assessment.id}:{title[:20]}", kind="need", title=title, text=text,
                        topics=need_topics, owner=f"org:{organisation.id}")
        ids = [parsed[1] for match in matching.engine().similar(record, k=OFFER_CANDIDATES, kinds=(matching.OFFER,))
               if (parsed := matching.parse_record_id(match.id)) is not None and parsed[1] not in seen]
        seen.update(ids)
        loaded = {offer.id: offer for offer in db.session.scalars(
            db.select(Offer).options(joinedload(Offer.organisation)).filter(Offer.id.in_(ids)))} if ids else {}
        for offer in (loaded[ident] for ident in ids if ident in loaded):
            # Asked as nobody in particular: the recommendations land in the report, which may be passed on.
            # Funding programmes are answered by the programmes' own source (community/programmes/hooks.py).
            if offer.organisation_id == organisation.id or not can_see(None, offer) or offer.status != "open" \
                    or offer.offer_kind == "programme":
                continue
            key = _same_offer(offer)
            if key not in cards and len(cards) >= limit:
                continue
            card = cards.setdefault(key, {"title": offer.title, "url": _offer_url(offer), "providers": [],
                                          "need": title})
            card["providers"].append({"name": offer.organisation.name, "url": _offer_url(offer)})
        if len(cards) >= limit:
            break
    found = []
    for card in cards.values():
        card["reason"] = _("Matches the proposed need “%(need)s”.", need=card.pop("need"))
        found.append(card)
    return found[:limit]


def _offer_url(offer) -> str:
    return url_for("profiles.show_entry", plural="offers", entry_id=offer.id)


def _threads(organisation, dimension, topics, limit):
    from community.forums.models import PUBLISHED, Forum, Post, Thread

    opening = db.select(Post.thread_id).filter(Post.is_opening.is_(True), Post.status == PUBLISHED)
    threads = db.session.scalars(
        db.select(Thread).join(Forum, Forum.id == Thread.forum_id)
        .filter(Forum.topic.in_(list(topics)), Thread.id.in_(opening))
        .order_by(Thread.is_solved.desc(), Thread.reply_count.desc(), Thread.last_activity_at.desc()).limit(limit)).all()
    return [{"title": thread.title, "url": url_for("forums.thread", thread_id=thread.id),
             "reason": _("Solved thread in the forum %(forum)s.", forum=thread.forum.title) if thread.is_solved
             else _("Thread in the forum %(forum)s.", forum=thread.forum.title)} for thread in threads]


recommendations.register_source("peers", _l("Municipalities that are ahead"), _peers, order=10)
recommendations.register_source("offers", _l("Offers for the proposed needs"), _offers, order=20)
recommendations.register_source("threads", _l("Forum threads"), _threads, order=30)
