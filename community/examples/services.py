"""Writing, reviewing, finding and re-using good examples. The acting user is always an argument.

- Authors (members of public bodies) create an example as a draft or submit it; every edit of the
  working version sends it back to review, while the published copy (`Example.published`) stays
  what everybody else sees until a reviewer publishes the edit.
- Reviewers (consultants, global moderators) publish or return with a reason; each decision is an
  entry of the moderation log and a notification to the author.
- Nothing unreviewed is listed, searched, matched or shown: outsiders only ever get the published
  copy, and only the published copy is indexed by the matching engine.
"""
import re
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa

from flask import url_for
from flask_babel import lazy_gettext as _l

from community import policy
from community.auth.models import User
from community.errors import Conflict, InvalidInput, PermissionDenied, ValidationError
from community.examples.models import (DRAFT, PUBLIC_FIELDS, PUBLISHED, RETURNED, STATUSES, SUBMITTED, Example,
                                       ExampleInterest, ExampleVote)
from community.examples.rules import is_reviewer
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.models_base import get_or_not_found, utcnow
from community.notifications import kinds
from community.notifications.services import notify, organisation_member_ids
from community.organisations.models import Organisation
from community.pagination import Page
from community.profiles import catalogue
from community.signals import entry_changed, entry_deleted
from community.taxonomy import LAENDER, POPULATION_CLASSES, TOPICS, Choice
from community.validation import Flag, Id, IdList, ManyOf, Number, OneOf, Schema, Text

TITLE_MAX, SUMMARY_MAX, LONG_MAX, REASON_MAX, MESSAGE_MAX = 200, 1000, 20000, 2000, 1000
MAX_PARTNERS = 20
MAX_OZG = 20
MATCH_CANDIDATES = 200
COSTS = (
    Choice("none", _l("no extra costs")),
    Choice("lt10k", _l("under 10,000 euros")),
    Choice("10k-50k", _l("10,000 to 50,000 euros")),
    Choice("50k-250k", _l("50,000 to 250,000 euros")),
    Choice("gt250k", _l("over 250,000 euros")),
)
COST_BY_SLUG = {choice.slug: choice for choice in COSTS}
PROJECT_STATUSES = (
    Choice("planned", _l("planned")),
    Choice("running", _l("running")),
    Choice("completed", _l("completed")),
)
PROJECT_STATUS_BY_SLUG = {choice.slug: choice for choice in PROJECT_STATUSES}
STATUS_LABELS = {DRAFT: _l("draft"), SUBMITTED: _l("in review"), PUBLISHED: _l("published"),
                 RETURNED: _l("returned")}
DECISIONS = (PUBLISH, RETURN) = ("publish", "return")
TOPIC_SLUGS = [topic.slug for topic in TOPICS]

NOTIFICATION_KINDS = (EXAMPLE_SUBMITTED := "example_submitted", EXAMPLE_REVIEWED := "example_reviewed")
for _kind in NOTIFICATION_KINDS:
    kinds.register_kind(_kind, kinds.MODERATION)


FIELDS = {
    "title": Text(TITLE_MAX, required=True),
    "summary": Text(SUMMARY_MAX, required=True, multiline=True),
    "problem": Text(LONG_MAX, required=True, multiline=True),
    "solution": Text(LONG_MAX, required=True, multiline=True),
    "results": Text(LONG_MAX, multiline=True),
    "topics": ManyOf(TOPIC_SLUGS, max_items=len(TOPIC_SLUGS), required=True),
    "ozg_ids": ManyOf(catalogue.SERVICE_IDS, max_items=MAX_OZG, coerce=int),
    "partner_organisation_ids": IdList(MAX_PARTNERS),
    "costs": OneOf([c.slug for c in COSTS]),
    "duration_months": Number(0, 240),
    "project_status": OneOf([s.slug for s in PROJECT_STATUSES], required=True),
    "lessons": Text(LONG_MAX, multiline=True),
    "contact_open": Flag(default=True),
    "draft": Flag(default=False),
}
EXAMPLE_SCHEMA = Schema(FIELDS)
REVIEW_SCHEMA = Schema({"decision": OneOf(DECISIONS, required=True), "reason": Text(REASON_MAX, multiline=True)})
INTEREST_SCHEMA = Schema({"message": Text(MESSAGE_MAX, required=True, multiline=True), "forward_to_centre": Flag()})
LIST_FILTERS = Schema({
    "q": Text(200),
    "topic": OneOf(TOPIC_SLUGS),
    "land": OneOf([land.slug for land in LAENDER]),
    "population_class": OneOf([p.slug for p in POPULATION_CLASSES]),
    "ozg_id": Number(1, 10**9),
    "need_id": Id(),
    "status": OneOf(STATUSES),
})


def invalid(**fields) -> InvalidInput:
    return InvalidInput(_l("Please correct the marked fields."), fields=fields)


def clean(schema: Schema, data, partial: bool = False) -> dict:
    try:
        return schema.clean(data, partial=partial)
    except ValidationError as error:
        raise InvalidInput(error.message, fields=error.fields) from None


# --- versions: what a reader may see -------------------------------------------------------------


@dataclass
class Version:
    """The fields of an example as one reader sees them: the working version or the published copy."""

    example: Example
    working: bool
    values: dict = field(default_factory=dict)

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        return getattr(self.__dict__["example"], name)

    @property
    def ozg_services(self) -> list:
        return [catalogue.SERVICES[i] for i in self.values.get("ozg_ids", []) if i in catalogue.SERVICES]

    @property
    def partners(self) -> list[Organisation]:
        ids = self.values.get("partner_organisation_ids", [])
        if not ids:
            return []
        found = {org.id: org for org in db.session.scalars(db.select(Organisation).filter(Organisation.id.in_(ids)))}
        return [found[i] for i in ids if i in found]

    @property
    def shown_status(self) -> str:
        return self.example.status if self.working else PUBLISHED


def version_for(viewer, example: Example) -> Version:
    if policy.can(viewer, "example.view_working", example):
        return Version(example, True, example.working_values())
    return Version(example, False, dict(example.published or {}))


def published_version(example: Example) -> Version:
    return Version(example, False, dict(example.published or {}))


# --- writing -------------------------------------------------------------------------------------


def _check_partners(ids: list[int], own_org_id: int) -> list[int]:
    if not ids:
        return []
    found = set(db.session.scalars(db.select(Organisation.id).filter(Organisation.id.in_(ids))))
    if missing := [str(i) for i in ids if i not in found]:
        raise invalid(partner_organisation_ids=lazy_plain("No organisation with the id %(ids)s.",
                                                          ids=", ".join(missing[:10])))
    if own_org_id in ids:
        raise invalid(partner_organisation_ids=_l("Your own organisation is the author, not a partner."))
    return ids


def reviewer_ids() -> list[int]:
    return list(db.session.scalars(db.select(User.id).filter(
        User.role.in_(("consultant", "moderator", "admin")), User.deleted_at.is_(None))))


def _announce_submission(user, example: Example) -> None:
    others = [uid for uid in reviewer_ids() if uid != user.id]
    notify(others, EXAMPLE_SUBMITTED, N_("A good example waits for review: %(title)s"),
           url_for("examples.review", example_id=example.id), title=example.title)


def _refuse_links(user, values: dict) -> None:
    from community.forums.services import refuse_links_in  # the one link rule for new accounts

    refuse_links_in(user, values, ("title", "summary", "problem", "solution", "results", "lessons"), InvalidInput)


def create_example(user, data) -> Example:
    if not policy.can(user, "example.create"):
        raise PermissionDenied(_l("Only members of public bodies can write good examples."))
    values = clean(EXAMPLE_SCHEMA, data)
    _refuse_links(user, values)
    draft = values.pop("draft")
    values["partner_organisation_ids"] = _check_partners(values["partner_organisation_ids"], user.organisation_id)
    example = Example(organisation_id=user.organisation_id, author_id=user.id, last_editor_id=user.id, **values,
                      status=DRAFT if draft else SUBMITTED, submitted_at=None if draft else utcnow())
    db.session.add(example)
    db.session.commit()
    if not draft:
        _announce_submission(user, example)
    return example


def get_example(user, example_id) -> Example:
    """The example if the user may see it (its published copy, or its working version); else 404."""
    return get_or_not_found(Example, example_id, _l("This good example does not exist."),
                            hidden=lambda example: not policy.can(user, "example.view", example))


def update_example(user, example: Example, data) -> Example:
    """Change the working version; it goes (back) to review unless saved as a draft."""
    policy.require(user, "example.edit", example)
    values = clean(EXAMPLE_SCHEMA, data, partial=True)
    _refuse_links(user, values)
    draft = values.pop("draft", False)
    if "partner_organisation_ids" in values:
        values["partner_organisation_ids"] = _check_partners(values["partner_organisation_ids"],
                                                             example.organisation_id)
    for name, value in values.items():
        setattr(example, name, value)
    example.last_editor_id = user.id
    if draft:
        example.status = DRAFT
    else:
        example.status, example.submitted_at = SUBMITTED, utcnow()
    db.session.commit()
    if not draft:
        _announce_submission(user, example)
    return example


def delete_example(user, example: Example) -> None:
    """Delete the example for good, whoever may edit it: its votes and re-use records go with it (the database's
    cascades), its files too (community/attachments: the rows through the ORM, their bytes after the commit)."""
    policy.require(user, "example.edit", example)
    example_id = example.id
    db.session.delete(example)
    db.session.commit()
    entry_deleted.send(Example.record_prefix, entry_id=example_id)


# --- review --------------------------------------------------------------------------------------


def review_queue(user) -> list[Example]:
    if not is_reviewer(user):
        raise PermissionDenied(_l("Only consultants and moderators review good examples."))
    return list(db.session.scalars(db.select(Example).filter(Example.status == SUBMITTED)
                                   .order_by(Example.submitted_at, Example.id)))


def get_for_review(user, example_id) -> Example:
    example = get_or_not_found(Example, example_id, _l("This good example does not exist."))
    policy.require(user, "example.review", example)
    return example


def review(user, example: Example, data) -> Example:
    """Publish the submitted version, or return it to the authors with a reason."""
    from community.moderation.services import log_action  # moderation imports much of the app

    policy.require(user, "example.review", example)
    values = clean(REVIEW_SCHEMA, data)
    decision, reason = values["decision"], values["reason"] or ""
    if decision == RETURN and not reason:
        raise invalid(reason=_l("Say why the example goes back to its authors."))
    if example.status != SUBMITTED:
        raise Conflict(_l("This good example is not waiting for review."))
    example.reviewed_by_id, example.review_reason = user.id, reason
    if decision == PUBLISH:
        example.published = example.working_values()
        example.published_at, example.status = utcnow(), PUBLISHED
    else:
        example.status = RETURNED
    log_action(user, decision, "example", example.id, example.author_id, reason)
    db.session.commit()
    if decision == PUBLISH:
        entry_changed.send(example)
    authors = [example.author_id] if example.author_id else organisation_member_ids(example.organisation_id)
    url = url_for("examples.show", example_id=example.id)
    if decision == PUBLISH:
        notify(authors, EXAMPLE_REVIEWED, N_("Your good example “%(title)s” is published."), url, title=example.title)
    else:
        notify(authors, EXAMPLE_REVIEWED, N_("Your good example “%(title)s” was returned: %(reason)s"), url,
               title=example.title, reason=reason[:300])
    return example


# --- finding -------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return text.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", _fold(text)) if len(w) > 1]


def _searchable(version: Version) -> str:
    parts = [version.title, version.summary, version.problem, version.solution, version.results, version.lessons,
             version.organisation.name, *catalogue.names(version.ozg_ids)]
    return _fold(" ".join(p or "" for p in parts))


OZG_NAME_MAX = 200


def clean_filters(args) -> dict:
    """The list's filters; the OZG service may come by id (`ozg_id`, the API) or by the name typed into the
    page's searchable field (`ozg`), among the services municipalities provide."""
    filters = clean(LIST_FILTERS, {name: args.get(name) for name in LIST_FILTERS.fields if args.get(name)})
    name = Text(OZG_NAME_MAX).clean(args.get("ozg")) if args.get("ozg") else ""
    if name and not filters.get("ozg_id"):
        service = catalogue.find_municipal(name)
        if service is None:
            raise invalid(ozg=lazy_plain("No OZG service that municipalities provide is called “%(name)s”. Choose "
                                         "one of the suggestions.", name=name))
        filters["ozg_id"] = service.id
    return filters


def _visible_select(user):
    condition = Example.published_at.is_not(None)
    if getattr(user, "is_authenticated", False) and getattr(user, "organisation_id", None):
        condition = condition | (Example.organisation_id == user.organisation_id)
    return db.select(Example).join(Organisation, Organisation.id == Example.organisation_id).filter(condition)


@dataclass
class Listed:
    version: Version
    score: float | None = None
    terms: tuple = ()


def need_matches(user, need_id: int) -> dict[int, tuple[float, tuple]]:
    """The published examples matching a need the user may see: example id -> (score, terms)."""
    from community.profiles.models import Need
    from community.suggestions import engine as matching

    need = get_or_not_found(Need, need_id, _l("This need does not exist."),
                            hidden=lambda row: not policy.can(user, "entry.view", row))
    found = {}
    for match in matching.engine().similar(matching.entry_record(need), k=MATCH_CANDIDATES, kinds=("example",)):
        parsed = matching.parse_record_id(match.id)
        if parsed:
            found[parsed[1]] = (match.score, match.terms)
    return found


def list_examples(user, filters: dict | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Published examples, plus the user's organisation's own (any status); with need_id ranked for the need."""
    filters = filters or {}
    select = _visible_select(user)
    if filters.get("land"):
        select = select.filter(Organisation.land == filters["land"])
    if filters.get("population_class"):
        select = select.filter(Organisation.population_class == filters["population_class"])
    if filters.get("status"):
        select = select.filter(Example.status == filters["status"], Example.organisation_id == user.organisation_id) \
            if getattr(user, "organisation_id", None) else select.filter(sa.false())
    ranked = need_matches(user, filters["need_id"]) if filters.get("need_id") else None
    if ranked is not None:
        select = select.filter(Example.id.in_(list(ranked) or [0]))
    select = select.order_by(Example.updated_at.desc(), Example.id.desc())
    words = _words(filters.get("q") or "")
    listed = []
    for example in db.session.scalars(select):
        version = published_version(example) if ranked is not None else version_for(user, example)
        if not version.values:
            continue
        if filters.get("topic") and filters["topic"] not in version.topics:
            continue
        if filters.get("ozg_id") and filters["ozg_id"] not in version.ozg_ids:
            continue
        if words:
            text = _searchable(version)
            if not all(word in text for word in words):
                continue
        score, terms = ranked.get(example.id, (None, ())) if ranked is not None else (None, ())
        listed.append(Listed(version, score, tuple(terms)))
    if ranked is not None:
        listed.sort(key=lambda item: -item.score)
    total = len(listed)
    start = (page - 1) * per_page
    return Page(items=listed[start:start + per_page], total=total, page=page, per_page=per_page)


def solved_elsewhere(user, need, limit: int = 5) -> list[Listed]:
    """"Kommunen, die das schon gelöst haben": published examples of others matching the need."""
    from community.suggestions import engine as matching

    try:
        matches = matching.engine().similar(matching.entry_record(need), k=limit * 3, kinds=("example",))
    except Exception:  # noqa: BLE001  (a page must not fail because the index is unavailable)
        return []
    ids = [parsed[1] for m in matches if (parsed := matching.parse_record_id(m.id))]
    rows = {row.id: row for row in db.session.scalars(db.select(Example).filter(
        Example.id.in_(ids or [0]), Example.published_at.is_not(None)))}
    found = []
    for match in matches:
        parsed = matching.parse_record_id(match.id)
        if parsed and parsed[1] in rows:
            found.append(Listed(published_version(rows[parsed[1]]), match.score, tuple(match.terms)))
    return found[:limit]


def helpful_counts(example_ids) -> dict[int, int]:
    ids = list(example_ids)
    if not ids:
        return {}
    rows = db.session.execute(db.select(ExampleVote.example_id, db.func.count()).filter(
        ExampleVote.example_id.in_(ids)).group_by(ExampleVote.example_id)).all()
    return dict(rows)


def has_voted(user, example: Example) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(ExampleVote, (example.id, user.id)) is not None


# --- re-use --------------------------------------------------------------------------------------


def vote(user, example: Example) -> int:
    """One "hilfreich" per person; a second vote changes nothing. Returns the count."""
    policy.require(user, "example.vote", example)
    if not has_voted(user, example):
        db.session.add(ExampleVote(example_id=example.id, user_id=user.id))
        db.session.commit()
    return helpful_counts([example.id]).get(example.id, 0)


def unvote(user, example: Example) -> int:
    row = db.session.get(ExampleVote, (example.id, user.id)) if getattr(user, "is_authenticated", False) else None
    if row is not None:
        db.session.delete(row)
        db.session.commit()
    return helpful_counts([example.id]).get(example.id, 0)


def express_interest(user, example: Example, data):
    """"Nachnutzen": a contact request to the example's organisation, through the double opt-in."""
    from community.suggestions.contacts import create_contact_request

    if example.published is None:
        raise PermissionDenied(_l("This good example is not published."))
    if policy.is_member_of(user, example):
        raise PermissionDenied(_l("This is your own organisation's example."))
    if not example.published.get("contact_open"):
        raise PermissionDenied(_l("The authors of this example do not wish to be contacted."))
    policy.require(user, "example.reuse", example)
    values = clean(INTEREST_SCHEMA, data)
    title = example.published.get("title", "")
    message = (str(lazy_plain("About the good example “%(title)s”:", title=title)) + "\n\n" + values["message"])[:1000]
    try:
        request = create_contact_request(user, {"to_organisation_id": example.organisation_id, "message": message,
                                                "forward_to_centre": values["forward_to_centre"]})
    except ValidationError as error:
        if isinstance(error, InvalidInput):
            raise
        raise InvalidInput(error.message, fields={"message" if name != "message" else name: text
                                                  for name, text in error.fields.items()}) from None
    db.session.add(ExampleInterest(example_id=example.id, contact_request_id=request.id, user_id=user.id))
    db.session.commit()
    return request


QUESTION_MAX = 5_000
QUESTION_SCHEMA = Schema({"question": Text(QUESTION_MAX, required=True, min_length=3, multiline=True)})


def question_thread(example: Example):
    """The forum thread of questions about the example, if someone has asked one; None before."""
    from community.forums.models import Thread

    if example.published is None:
        raise PermissionDenied(_l("This good example is not published."))
    return db.session.get(Thread, example.thread_id) if example.thread_id else None


def ask_question(user, example: Example, question):
    """Post a question about the example: the first one opens its forum thread (in the asker's name, with the
    question in it), later ones are replies. Nothing is created before a question is written (#24)."""
    from community.forums import services as forums
    from community.forums.models import Forum

    thread = question_thread(example)
    try:
        question = QUESTION_SCHEMA.clean({"question": question})["question"]
    except ValidationError as error:
        raise invalid(**error.fields) from None
    if thread is not None:
        forums.reply(user, thread, {"body": question})
        return thread
    forums.ensure_topic_forums()
    topics = example.published.get("topics") or ["ozg"]
    forum = db.session.scalar(db.select(Forum).filter(Forum.topic == topics[0]))
    if forum is None:
        forum = db.session.scalar(db.select(Forum).order_by(Forum.id))
    title = example.published.get("title", "")
    intro = str(lazy_plain("A question about the good example “%(title)s” of %(organisation)s:",
                           title=title, organisation=example.organisation.name))
    thread = forums.create_thread(user, forum, {"title": str(lazy_plain("Good example: %(title)s", title=title))[:200],
                                                "body": intro + "\n\n" + question})
    example.thread_id = thread.id
    db.session.commit()
    return thread


# --- the API's shape ------------------------------------------------------------------------------


def example_to_dict(example: Example, viewer, listed: Listed | None = None, version: Version | None = None) -> dict:
    version = version or (listed.version if listed else version_for(viewer, example))
    org = example.organisation
    data = {
        "id": example.id,
        "status": version.shown_status,
        **{name: version.values.get(name) for name in PUBLIC_FIELDS if name != "partner_organisation_ids"},
        "partner_organisation_ids": list(version.values.get("partner_organisation_ids") or []),
        "partner_organisations": [{"id": o.id, "name": o.name} for o in version.partners],
        "ozg_services": [{"id": s.id, "name": s.name} for s in version.ozg_services],
        "organisation": {"id": org.id, "name": org.name, "land": org.land, "population_class": org.population_class},
        "published": example.published is not None,
        "published_at": example.published_at.isoformat() + "Z" if example.published_at else None,
        "helpful": helpful_counts([example.id]).get(example.id, 0),
        "demo": example.is_demo,
        "url": url_for("examples.show", example_id=example.id),
        "created_at": example.created_at.isoformat() + "Z",
        "updated_at": example.updated_at.isoformat() + "Z",
    }
    if version.working:
        data["review_reason"] = example.review_reason
        data["author"] = example.author.name if example.author else None
    if listed is not None and listed.score is not None:
        data["score"] = round(float(listed.score), 4)
        data["terms"] = list(listed.terms)
    return data
