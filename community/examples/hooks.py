"""Registrations with features that do not import this one: the matching engine (one more record kind),
the Digital-Check's recommendations per Handlungsfeld and the consultations' typed links."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.consultations.links import register_link_kind
from community.digitalcheck.recommendations import MIN_TOPIC_FIT, register_source, topic_fit
from community.examples.models import Example
from community.extensions import db
from community.i18n import lazy_plain
from community.profiles import catalogue
from community.search.services import Found, register_search_kind
from community.start.panels import register_panel
from community.start.queues import Waiting, register_queue
from community.suggestions.engine import Record, register_record_kind

KIND = "example"


def example_record(example: Example) -> Record:
    """Only the published copy is indexed: nothing under review can ever be matched."""
    public = example.published or {}
    text = "\n".join([public.get(name) or "" for name in ("summary", "problem", "solution", "results", "lessons")]
                     + catalogue.names(public.get("ozg_ids") or []))
    return Record(id=f"{KIND}:{example.id}", kind=KIND, title=public.get("title", ""), text=text,
                  topics=tuple(public.get("topics") or ()), owner=f"org:{example.organisation_id}")


def _published():
    return db.select(Example).filter(Example.published_at.is_not(None))


register_record_kind(KIND, Example, example_record, _published)


def _find(viewer, ids: list[int]) -> dict[int, Found]:
    """The published copies of these examples: what every reader sees (example.view)."""
    from community.organisations.models import Organisation

    rows = db.session.execute(_published().with_only_columns(Example.id, Example.published, Organisation.name,
                                                              Organisation.land)
                              .join(Organisation, Organisation.id == Example.organisation_id)
                              .filter(Example.id.in_(ids)))
    found = {}
    for example_id, public, organisation, land in rows:
        text = "\n".join(public.get(name) or "" for name in ("summary", "problem", "solution", "results", "lessons"))
        found[example_id] = Found(title=public.get("title", ""), text=text,
                                  url=url_for("examples.show", example_id=example_id),
                                  topics=tuple(public.get("topics") or ()), land=land, source=organisation)
    return found


register_search_kind(KIND, _l("Good example"), _l("Good examples"), _find, order=40)


def _for_handlungsfeld(organisation, dimension, topics, limit):
    """Published examples of other organisations mainly about the Handlungsfeld's topics: the ones most about
    it first, then the most helpful."""
    from community.examples.services import helpful_counts

    fit = {}
    for row in db.session.scalars(_published().order_by(Example.published_at.desc())):
        if organisation is None or row.organisation_id != organisation.id:
            fit[row] = topic_fit(row.published.get("topics"), topics)
    rows = [row for row, share in fit.items() if share >= MIN_TOPIC_FIT]
    counts = helpful_counts(row.id for row in rows)
    rows.sort(key=lambda row: (-fit[row], -counts.get(row.id, 0)))
    return [{"title": row.published["title"], "url": url_for("examples.show", example_id=row.id),
             "reason": str(lazy_plain("%(organisation)s, on the same topic", organisation=row.organisation.name))}
            for row in rows[:limit]]


class _Heading:
    """The source's heading, read either way the result page may: called, or rendered as a (lazy) string."""

    def __init__(self, text):
        self.text = text

    def __call__(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return str(self.text)


register_source(KIND, _Heading(_l("Good examples")), _for_handlungsfeld, order=20)


register_link_kind(KIND, Example, lambda row: url_for("examples.show", example_id=row.id),
                   lambda row: (row.published or {}).get("title", ""), label=_l("Good example"))


def _start_panel(user):
    """Reviewers: what waits for review. Members: published examples matching their organisation's open needs."""
    from community.examples import services
    from community.examples.rules import is_reviewer
    from community.profiles.models import Need

    if is_reviewer(user):
        return [{"title": example.title, "url": url_for("examples.review", example_id=example.id),
                 "label": _l("waits for review")} for example in services.review_queue(user)[:5]]
    if getattr(user, "organisation_id", None) is None:
        return []
    needs = db.session.scalars(db.select(Need).filter_by(organisation_id=user.organisation_id, status="open")
                               .order_by(Need.updated_at.desc()).limit(5)).all()
    items, seen = [], set()
    for need in needs:
        for listed in services.solved_elsewhere(user, need, limit=2):
            if listed.version.example.id not in seen and len(items) < 5:
                seen.add(listed.version.example.id)
                items.append({"title": listed.version.title,
                              "url": url_for("examples.show", example_id=listed.version.example.id),
                              "label": lazy_plain("for your need “%(title)s”", title=need.title)})
    return items


register_panel("examples", _l("Good examples for you"), "examples/_start_panel.html", _start_panel, order=55)


def _examples_to_review(user):
    from community.examples.rules import is_reviewer
    from community.examples.services import review_queue

    if not is_reviewer(user):
        return None
    waiting = review_queue(user)
    return Waiting(len(waiting), waiting[0].submitted_at if waiting else None, url_for("examples.review_queue"))


register_queue("examples_review", _l("Good examples to review"), _examples_to_review, order=40)
