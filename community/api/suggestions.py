"""API views for partner suggestions, search and contact requests (double opt-in)."""
from flask import g, request, url_for
from flask_babel import lazy_gettext as _l

from community.api import bp
from community.api.auth import json_body, request_page, token_required
from community.errors import ValidationError
from community.pagination import Page
from community.search import services as search_services
from community.suggestions import contacts
from community.suggestions import services as suggestion_services
from community.suggestions.ratelimit import contact_rate_limit


def _timestamp(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def organisation_summary(org) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind, "land": org.land,
            "population_class": org.population_class, "verified": org.shows_verified_badge}


def _entry_ref(entry) -> dict:
    return {"kind": entry.record_prefix, "id": entry.id, "title": entry.title}


def suggestion_to_dict(suggestion) -> dict:
    refs = {suggestion.source.record_prefix: suggestion.source.id}
    return {
        "relation": suggestion.relation,
        "need_id": refs.get("need"),
        "offer_id": refs.get("offer"),
        "match_id": suggestion.target_id,
        "match": _entry_ref(suggestion.target),
        "score": round(suggestion.score, 4),
        "terms": list(suggestion.terms),
        "words": list(suggestion.words),
        "topics": list(suggestion.topics),
        "organisation": organisation_summary(suggestion.organisation),
        "same_land": suggestion.close.same_land,
        "same_population_class": suggestion.close.same_class,
    }


def _paged(items: list, serialise) -> dict:
    page, per_page = request_page()
    start = (page - 1) * per_page
    return Page(items[start:start + per_page], len(items), page, per_page).to_dict(serialise)


@bp.route("/suggestions")
@token_required
def list_suggestions():
    user = g.api_user
    filters = suggestion_services.clean_filters(request.args)
    return _paged(suggestion_services.suggestions_for(user, filters).flat(), suggestion_to_dict)


def hit_to_dict(hit) -> dict:
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": hit.title,
        "score": round(hit.score, 4),
        "terms": list(hit.terms),
        "snippet": search_services.excerpt(hit.snippet, hit.terms),
        "url": hit.found.url if hit.found is not None else None,
        "organisation": organisation_summary(hit.organisation) if hit.organisation is not None else None,
        "similar": len(hit.similar),
        "similar_ids": [{"kind": other.kind, "id": other.id} for other in hit.similar],
    }


@bp.route("/search")
@token_required
def search():
    page, per_page = request_page()
    filters = search_services.parse_filters(request.args.get("kind"), request.args.get("topic"),
                                            request.args.get("land"))
    result = search_services.search(g.api_user, request.args.get("q"), page, per_page, filters, everything=True)
    if result.problem in ("empty", "stop_words_only"):
        raise ValidationError(_l("Please correct the marked fields."), fields={"q": result.message})
    return {**result.page.to_dict(hit_to_dict), "more": result.more, "counts": result.counts}


def contact_request_to_dict(item, viewer) -> dict:
    return {
        "id": item.id,
        "direction": contacts.direction_of(viewer, item),
        "status": item.status,
        "state": contacts.state_of(item),
        "from_organisation": organisation_summary(item.from_org),
        "to_organisation": organisation_summary(item.to_org),
        "need_id": item.need_id,
        "offer_id": item.offer_id,
        "message": item.message,
        "room_id": item.room_id,
        "contacts": contacts.contact_details(viewer, item),
        "created_at": _timestamp(item.created_at),
        "decided_at": _timestamp(item.decided_at),
    }


@bp.route("/contact-requests", methods=["POST"])
@token_required
@contact_rate_limit
def create_contact_request():
    user = g.api_user
    item = contacts.create_contact_request(user, json_body())
    item = contacts.get_contact_request(user, item.id)
    return (contact_request_to_dict(item, user), 201,
            {"Location": url_for("api.get_contact_request", request_id=item.id)})


@bp.route("/contact-requests")
@token_required
def list_contact_requests():
    user = g.api_user
    page, per_page = request_page()
    found = contacts.list_contact_requests(user, request.args, page, per_page)
    return found.to_dict(lambda item: contact_request_to_dict(item, user))


@bp.route("/contact-requests/<int:request_id>")
@token_required
def get_contact_request(request_id: int):
    return contact_request_to_dict(contacts.get_contact_request(g.api_user, request_id), g.api_user)


def _register_decision(action: str, decide_with) -> None:
    @token_required
    def view(request_id: int):
        user = g.api_user
        return contact_request_to_dict(decide_with(user, contacts.get_contact_request(user, request_id)), user)

    bp.add_url_rule(f"/contact-requests/<int:request_id>/{action}", f"{action}_contact_request", view,
                    methods=["POST"])


for _action, _decide_with in (("accept", contacts.accept_contact_request),
                              ("decline", contacts.decline_contact_request),
                              ("withdraw", contacts.withdraw_contact_request)):
    _register_decision(_action, _decide_with)
