"""Where funding programmes plug into features that do not import them: the matching engine (one more record
kind), each need's page, the Digital-Check's recommendations per Handlungsfeld, the typed links of a
consultation's advice, and the kind of notification its deadline reminders are."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.consultations.links import register_link_kind
from community.digitalcheck.recommendations import register_source
from community.extensions import db
from community.i18n import lazy_plain
from community.notifications import kinds
from community.programmes import bp, services
from community.programmes.models import Programme
from community.suggestions.engine import register_record_kind

NEED_PAGE_LIMIT = 5
FINANCE = "finanzen"


def _indexed() -> sa.Select:
    """Retired programmes are never matched; expired ones stay indexed (a moved deadline revives them) and are
    filtered by date where they are shown."""
    return sa.select(Programme).filter(Programme.retired_at.is_(None))


register_record_kind(services.KIND, Programme, services.programme_record, _indexed)
kinds.register_kind(services.PROGRAMME_DEADLINE, kinds.PROGRAMMES)
register_link_kind(services.KIND, Programme, lambda row: url_for("programmes.show", programme_id=row.id),
                   label=_l("Funding programme"))


@bp.app_template_global("programmes_for_need")
def _programmes_for_need(need):
    """For the need page (templates/profiles/show.html): the programmes its organisation may apply for."""
    if need is None or need.status != "open":
        return []
    return services.ranked_for_need(need)[:NEED_PAGE_LIMIT]


@bp.app_template_global("programmes_for_needs")
def _programmes_for_needs(needs):
    """For a consultation's result (templates/consultations/show.html): the programmes its organisation may apply
    for, best match over the consultation's open needs first."""
    best: dict[int, services.Ranked] = {}
    for need in needs:
        if need is not None and need.status == "open":
            for item in services.ranked_for_need(need):
                if item.programme.id not in best or item.score > best[item.programme.id].score:
                    best[item.programme.id] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.programme.id))[:NEED_PAGE_LIMIT]


@bp.app_template_global("programme_today")
def _programme_today():
    return services.today()


def _for_handlungsfeld(organisation, dimension, topics, limit):
    """Open programmes the organisation is eligible for (its Land, the Bund, the EU; its type) on the field's
    topics (every one for the field of finance), those matching its open needs on the field best first, then its
    own Land's before the Bund's and the EU's."""
    if organisation is None:
        return []
    on = services.today()
    topics = set(topics)
    # The field whose topics include finance holds the need "Fördermittel für die Digitalisierung finden": every
    # programme the organisation may apply for answers it, whatever it funds.
    money = FINANCE in topics
    rows = [row for row in db.session.scalars(services._filtered({"open": True}, on))
            if (money or topics & set(row.topics or ())) and services.is_eligible(row, organisation, on)]
    if not rows:
        return []
    from community.profiles.models import Need

    needs = db.session.scalars(sa.select(Need).filter_by(organisation_id=organisation.id, status="open")
                               .order_by(Need.id.desc()).limit(5)).all()
    best: dict[int, float] = {}
    for need in needs:
        if topics & set(need.topics or ()):
            for item in services.ranked_for_need(need, on):
                best[item.programme.id] = max(best.get(item.programme.id, 0.0), item.score)
    rows.sort(key=lambda row: (-best.get(row.id, 0.0), row.level != "land", row.title))
    return [{"title": row.title, "url": url_for("programmes.show", programme_id=row.id),
             "reason": str(lazy_plain("%(funder)s: %(kind)s", funder=row.funder,
                                      kind=services.KIND_BY_SLUG[row.kind].label))}
            for row in rows[:limit]]


class _Heading:
    def __init__(self, text):
        self.text = text

    def __call__(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return str(self.text)


register_source(services.KIND, _Heading(_l("Funding programmes")), _for_handlungsfeld, order=40)



def _find(viewer, ids: list[int]) -> dict:
    """Programmes not retired, as anyone reads them on their page (programmes are public)."""
    from community.search.services import Found

    rows = db.session.scalars(_indexed().filter(Programme.id.in_(ids)))
    return {programme.id: Found(title=programme.title, text=programme.description or "",
                                url=url_for("programmes.show", programme_id=programme.id),
                                topics=tuple(programme.topics or ()), land=programme.land, source=programme.funder or "")
            for programme in rows}


def _register_search_kind() -> None:
    from community.search.services import register_search_kind

    register_search_kind(services.KIND, _l("Funding programme"), _l("Funding programmes"), _find, order=55)


_register_search_kind()
