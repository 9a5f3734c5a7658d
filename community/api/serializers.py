"""JSON shapes of organisations for the API; needs and offers use profiles.services.entry_to_dict."""
from community.notifications.services import has_active_members
from community.organisations.services import visible_profile
from community.pagination import MAX_PER_PAGE
from community.profiles.services import entry_to_dict, list_entries

# The organisation view lists this many open needs and offers each, most recently changed first.
DETAIL_ENTRIES = MAX_PER_PAGE


def _timestamp(value) -> str:
    return value.isoformat() + "Z"


def organisation_to_dict(org, viewer) -> dict:
    """Public fields, plus description and contact address where the viewer may see them (else null)."""
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "org_type": org.org_type,
        "official_key": org.official_key,
        "ags": org.ags,
        "population": org.population,
        "postcode": org.postcode or None,
        "land": org.land,
        "population_class": org.population_class,
        "description_visibility": org.description_visibility,
        "website": org.website,
        "contact_visibility": org.contact_visibility,
        "topics": org.topics,
        "verified": org.verified,
        "created_at": _timestamp(org.created_at),
        "updated_at": _timestamp(org.updated_at),
        **visible_profile(viewer, org),
    }


def organisation_detail(org, viewer) -> dict:
    """The organisation with its open needs and offers, as far as the viewer may see them."""
    data = organisation_to_dict(org, viewer)
    data["active_members"] = has_active_members(org.id)  # whether anybody would receive a contact request
    for kind in ("need", "offer"):
        page = list_entries(org, kind, viewer, status="open", per_page=DETAIL_ENTRIES)
        data[f"{kind}s"] = [entry_to_dict(entry) for entry in page.items]
    return data
