"""Digitalkompass für Kommunen (URLs and code still say digital-check): start, answer, submit and score
assessments; peers, proposals and adoption of needs.

Only municipal bodies (kind "municipality") answer; each sees the questions of its org type
(`questionnaire_for`). Every assessment is read and scored with the questionnaire version it answered.

The public names other features use: `latest_submitted`, `get_assessment_for`, `result_of`,
`scores_of`, `proposed_needs`, `questionnaire_for`.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community import policy
from community.digitalcheck import questionnaire as questionnaire_module
from community.digitalcheck import scoring
from community.digitalcheck.models import DRAFT, SUBMITTED, Assessment, AssessmentNeed, AssessmentScore
from community.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ValidationError
from community.extensions import db
from community.models_base import get_or_not_found, utcnow
from community.organisations.models import Organisation
from community.pagination import paginate
from community.taxonomy import ENTRY_VISIBILITY_BY_SLUG, MUNICIPALITY
from community.validation import MAX_ID, OneOf
from community.i18n import lazy_plain

# Answers at or below this level in a top Handlungsfeld propose the question's need.
LOW_LEVEL = 1
TOP_FIELDS = 3


class InvalidAnswers(InvalidInput):
    """400 with a message per unknown question id, dimension or value out of range in `fields`."""


def questionnaire():
    """The current questionnaire with every question (all org types)."""
    return questionnaire_module.current()


def questionnaire_for(assessment=None, organisation=None):
    """The questions this assessment answers: its own version, only those for its organisation's type. Without
    an assessment: the current version for the organisation (a new check)."""
    if assessment is not None:
        organisation = assessment.organisation
        known = questionnaire_module.by_version(assessment.questionnaire_version)
    else:
        known = questionnaire()
    return known.for_org_type(getattr(organisation, "org_type", None))


def _full_version(assessment):
    return questionnaire_module.by_version(assessment.questionnaire_version) if assessment else questionnaire()


def latest_submitted(organisation_id) -> Assessment | None:
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.organisation_id == organisation_id, Assessment.is_latest.is_(True)))


def get_assessment_for(user, assessment_id) -> Assessment:
    """The assessment if the user may see it; to anyone else it does not exist."""
    if not isinstance(assessment_id, int) or not 0 < assessment_id <= MAX_ID:
        raise NotFound(_l("This assessment does not exist."))
    return get_or_not_found(Assessment, assessment_id, _l("This assessment does not exist."),
                            hidden=lambda a: not policy.can(user, "digitalcheck.view", a))


def list_assessments(organisation_id, page: int = 1, per_page: int = 20):
    query = (sa.select(Assessment).where(Assessment.organisation_id == organisation_id)
             .order_by(Assessment.created_at.desc(), Assessment.id.desc()))
    return paginate(query, page, per_page)


def current_draft(organisation_id) -> Assessment | None:
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.organisation_id == organisation_id, Assessment.status == DRAFT).order_by(Assessment.id.desc()))


def is_municipal(organisation) -> bool:
    return organisation is not None and organisation.kind == MUNICIPALITY


def _require_municipality(user):
    organisation = user.organisation if getattr(user, "is_authenticated", False) else None
    if not policy.can(user, "digitalcheck.create", organisation):
        raise PermissionDenied(_l("Only members of a municipality (Gemeinde, Stadt, Landkreis …) can fill in the "
                                  "Digital Compass for Municipalities."))
    return organisation


def _integral(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _answer_problem(value):
    """None when the value is an answer the API accepts (0–4, "dont_know", "not_applicable", null), else the
    message."""
    if value is None or value in scoring.ANSWER_WORDS:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in range(5):
        return _l('Must be a level from 0 to 4, "dont_know", "not_applicable" or null.')
    return None


def validate(answers, priorities, targets=None, known=None, full=None) -> tuple[dict, dict, dict]:
    """Clean answers, priorities and targets against `known` (the questions of the caller's org type) and
    `full` (every question of that version); every unknown question id, every question of another org type,
    every unknown dimension and every bad value is named."""
    known = known or questionnaire()
    full = full or known
    fields = {}
    answers = {} if answers is None else answers
    priorities = {} if priorities is None else priorities
    targets = {} if targets is None else targets
    for name, given in (("answers", answers), ("priorities", priorities), ("targets", targets)):
        if not isinstance(given, dict):
            raise InvalidAnswers(_l("The answers are not valid."), {name: _l("Must be an object.")})
    # Counted before any key is looked at: a body full of unknown ids is refused in one line, not
    # answered with one message per id.
    too_many = {name: lazy_plain("At most %(n)s entries.", n=limit)
                for name, given, limit in (("answers", answers, len(full.questions)),
                                           ("priorities", priorities, len(full.dimensions)),
                                           ("targets", targets, len(full.dimensions))) if len(given) > limit}
    if too_many:
        raise InvalidAnswers(_l("The answers are not valid."), too_many)
    # JSON has numbers, not integers: 2.0 is the level 2, as the document allows.
    answers = {key: _integral(value) for key, value in answers.items()}
    priorities = {key: _integral(value) for key, value in priorities.items()}
    targets = {key: _integral(value) for key, value in targets.items()}
    for question_id, value in answers.items():
        key = f"answers.{str(question_id)[:50]}"
        if question_id not in full.questions:
            fields[key] = _l("Unknown question.")
        elif question_id not in known.questions:
            fields[key] = _l("This question does not apply to your type of municipality.")
        elif (problem := _answer_problem(value)) is not None:
            fields[key] = problem
    for name, given, allowed, message in (
            ("priorities", priorities, scoring.PRIORITIES, _l("Must be a priority from 1 to 3.")),
            ("targets", targets, scoring.TARGET_LEVELS, _l("Must be a target level from 0 to 4, or null."))):
        for slug, value in given.items():
            key = f"{name}.{str(slug)[:50]}"
            if slug not in known.dimension_by_slug:
                fields[key] = _l("Unknown dimension.")
            elif name == "targets" and value is None:
                continue
            elif isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
                fields[key] = message
    if fields:
        raise InvalidAnswers(_l("The answers are not valid."), fields)
    return dict(answers), dict(priorities), dict(targets)


def _merged(stored: dict, given: dict) -> dict:
    """A partial update: given keys replace stored ones; null removes one ("not answered yet", "no target")."""
    merged = {**stored, **given}
    return {key: value for key, value in merged.items() if value is not None}


def start_assessment(user, share_with_centre: bool = False, show_to_peers: bool = False) -> Assessment:
    """The organisation's open draft, or a new one that starts from the last submitted answers."""
    organisation = _require_municipality(user)
    draft = current_draft(organisation.id)
    if draft is not None:
        return draft
    previous = latest_submitted(organisation.id)
    known = questionnaire_for(organisation=organisation)
    # Prefilled where the question ids carry over to this version and this org type; the old joint
    # "weiß nicht / trifft nicht zu" (None) of version 1 is asked again.
    assessment = Assessment(
        organisation_id=organisation.id, status=DRAFT, questionnaire_version=known.version,
        answers={k: v for k, v in (previous.answers if previous else {}).items()
                 if k in known.questions and v is not None},
        priorities={k: v for k, v in (previous.priorities if previous else {}).items() if k in known.dimension_by_slug},
        targets={k: v for k, v in ((previous.targets or {}) if previous else {}).items()
                 if k in known.dimension_by_slug},
        share_with_centre=previous.share_with_centre if previous else share_with_centre,
        show_to_peers=previous.show_to_peers if previous else show_to_peers,
        created_by_id=user.id, last_editor_id=user.id,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def _ensure_editable(user, assessment):
    if not policy.can(user, "digitalcheck.edit", assessment):
        raise PermissionDenied(_l("You may not change this assessment."))
    if assessment.is_submitted:
        raise Conflict(_l("This assessment has been submitted and can no longer be changed."))


def save(user, assessment, answers=None, priorities=None, targets=None, *, share_with_centre=None,
         show_to_peers=None, submit: bool = False) -> Assessment:
    """Merge answers, priorities and targets into a draft (a partial update; null clears one), optionally
    submitting it."""
    _ensure_editable(user, assessment)
    answers, priorities, targets = validate(answers, priorities, targets, questionnaire_for(assessment),
                                            _full_version(assessment))
    assessment.answers = _merged(assessment.answers, answers)
    assessment.priorities = {**assessment.priorities, **priorities}
    assessment.targets = _merged(assessment.targets or {}, targets)
    if share_with_centre is not None:
        assessment.share_with_centre = bool(share_with_centre)
    if show_to_peers is not None:
        assessment.show_to_peers = bool(show_to_peers)
    assessment.last_editor_id = user.id
    if submit:
        if not any(value is not None for value in assessment.answers.values()):
            db.session.rollback()
            raise InvalidAnswers(_l("Answer at least one question before submitting."),
                                 {"answers": _l("Answer at least one question before submitting.")})
        _submit(assessment)
    db.session.commit()
    return assessment


def create(user, answers=None, priorities=None, targets=None, submit: bool = False, **choices) -> Assessment:
    organisation = _require_municipality(user)
    draft = current_draft(organisation.id)
    # Checked before a draft is started, so a refused body leaves nothing behind.
    validate(answers, priorities, targets, questionnaire_for(draft, organisation), _full_version(draft))
    return save(user, start_assessment(user), answers, priorities, targets, submit=submit, **choices)


def _submit(assessment):
    """Freeze the answers and store the scores the peer benchmark reads."""
    scores = scoring.dimension_scores(questionnaire_for(assessment), assessment.answers)
    assessment.scores = scores
    assessment.overall = scoring.overall_score(scores)
    assessment.status = SUBMITTED
    assessment.submitted_at = utcnow()
    db.session.execute(sa.update(Assessment).where(
        Assessment.organisation_id == assessment.organisation_id, Assessment.is_latest.is_(True))
        .values(is_latest=False))
    db.session.execute(sa.update(AssessmentScore).where(
        AssessmentScore.organisation_id == assessment.organisation_id, AssessmentScore.is_latest.is_(True))
        .values(is_latest=False))
    assessment.is_latest = True
    db.session.flush()
    db.session.add_all(score_rows(assessment, assessment.organisation))


def score_rows(assessment, organisation) -> list[AssessmentScore]:
    """The indexed per-dimension rows of a submitted assessment (its scores must be set)."""
    return [AssessmentScore(assessment_id=assessment.id, dimension=slug, score=score,
                            organisation_id=organisation.id, org_type=organisation.org_type or "",
                            population_class=organisation.population_class,
                            land=organisation.land, is_latest=assessment.is_latest,
                            show_to_peers=assessment.show_to_peers)
            for slug, score in (assessment.scores or {}).items() if score is not None]


def scores_of(assessment) -> dict:
    if assessment.scores is not None:
        return dict(assessment.scores)
    return scoring.dimension_scores(questionnaire_for(assessment), assessment.answers)


def previous_of(assessment) -> Assessment | None:
    """The organisation's submitted assessment before this one."""
    query = sa.select(Assessment).where(Assessment.organisation_id == assessment.organisation_id,
                                        Assessment.status == SUBMITTED, Assessment.id != assessment.id)
    if assessment.submitted_at is not None:
        query = query.where(Assessment.submitted_at <= assessment.submitted_at)
    return db.session.scalar(query.order_by(Assessment.submitted_at.desc(), Assessment.id.desc()))


def counted_organisations():
    """The organisations a k-anonymous figure counts: verified ones only. Anyone can register organisations,
    so unverified ones would let a newcomer buy the k peers that unlock a figure (and read a real
    organisation's score out of it); they still see the benchmark, they just never are a peer."""
    return sa.select(Organisation.id).where(Organisation.verified.is_(True))


def _peer_benchmarks(assessment, groups: dict) -> dict[str, dict[str, dict | None]]:
    """Median and quartiles per group ({name: (column, value)}: population class, Land) and dimension over
    the latest submitted assessment of every other verified organisation of the same org type with that
    value (each organisation once: one latest assessment each, `_submit`); None for a dimension with fewer
    than k = 5 peers.

    Every group reads one range of a covering index (is_latest, class or Land, org type, dimension, score), all
    groups in one statement: PostgreSQL takes percentile_cont there; SQLite returns the peers' scores and
    `scoring.peer_statistics` takes median and quartiles (the same interpolation)."""
    slugs = [d.slug for d in questionnaire_for(assessment).dimensions]
    found = {name: dict.fromkeys(slugs) for name in groups}
    groups = {name: (column, value) for name, (column, value) in groups.items() if value is not None}
    if not groups:
        return found

    counted = counted_organisations()
    org_type = assessment.organisation.org_type or ""
    # In SQLite "+ 0" keeps the planner off the organisation_id index: driven by the list of verified
    # organisations it would read every organisation's rows instead of the group's range of the covering index.
    member = AssessmentScore.organisation_id + 0 if db.engine.dialect.name == "sqlite" else AssessmentScore.organisation_id
    conditions = {name: (AssessmentScore.is_latest.is_(True), column == value, AssessmentScore.org_type == org_type,
                         AssessmentScore.organisation_id != assessment.organisation_id, member.in_(counted))
                  for name, (column, value) in groups.items()}  # built once: expressions cost

    if db.engine.dialect.name == "postgresql":
        def within(fraction):
            return sa.func.percentile_cont(fraction).within_group(AssessmentScore.score)

        statement = sa.union_all(*[
            sa.select(sa.literal(name).label("grp"), AssessmentScore.dimension, sa.func.count().label("peers"),
                      within(0.25), within(0.5), within(0.75)).where(*conditions[name])
            .group_by(AssessmentScore.dimension) for name in groups])
        for name, slug, peers, p25, p50, p75 in db.session.execute(statement):
            if slug in found[name] and peers >= scoring.K_ANONYMITY:
                found[name][slug] = {"peers": peers, "median": round(p50, 1), "p25": round(p25, 1),
                                     "p75": round(p75, 1)}
        return found
    # SQLite: the peers' scores of both groups in one read along the groups' covering indexes (the verified
    # list built once per group), median and quartiles in Python. The former LIMIT/OFFSET reads per quartile
    # built that list again in each of their ~60 statements once there were ten dimensions.
    values: dict[tuple[str, str], list[float]] = {}
    for name, slug, score in db.session.execute(sa.union_all(*[
            sa.select(sa.literal(name).label("grp"), AssessmentScore.dimension, AssessmentScore.score)
            .where(*conditions[name]) for name in groups])):
        values.setdefault((name, slug), []).append(score)
    for (name, slug), scores in values.items():
        if slug in found[name]:
            found[name][slug] = scoring.peer_statistics(scores)
    return found


def benchmarks(assessment) -> dict[str, dict]:
    """Peer statistics of the same org type by population class and by Land:
    {"population_class": {slug: stats|None}, "land": …}."""
    organisation = assessment.organisation
    return _peer_benchmarks(assessment, {
        "population_class": (AssessmentScore.population_class, organisation.population_class),
        "land": (AssessmentScore.land, organisation.land)})


def adopted_keys(assessment) -> set[str]:
    return {link.key for link in assessment.need_links}


def proposed_needs(assessment) -> list[dict]:
    """Draft needs from the low answers' templates in the top Handlungsfelder, not yet adopted."""
    known = questionnaire_for(assessment)
    fields = scoring.handlungsfelder(scores_of(assessment), assessment.priorities, assessment.targets)
    top = [f.dimension for f in fields if f.need_for_action][:TOP_FIELDS]
    taken = adopted_keys(assessment)
    proposals = []
    for slug in top:
        dimension = known.dimension_by_slug.get(slug)
        for question in dimension.questions if dimension else ():
            level = scoring.level_of(assessment.answers.get(question.id))  # "weiß nicht" is low too
            if question.need is None or level is None or level > LOW_LEVEL or question.id in taken:
                continue
            proposals.append({
                "key": question.id, "dimension": slug, "title": str(question.need.title),
                "text": str(question.need.text), "topics": list(question.need.topics),
                "ozg_ids": list(question.need.ozg_ids), "visibility": question.need.visibility,
            })
    return proposals


def result_of(assessment) -> dict:
    """Scores, level, ranked Handlungsfelder (each with its target and gap), the "weiß nicht" counts: what
    the API and the page show."""
    scores = scores_of(assessment)
    overall = scoring.overall_score(scores)
    level = scoring.maturity_level(overall)
    targets = dict(assessment.targets or {})
    return {
        "scores": scores,
        "overall": overall,
        "level": None if level is None else {"value": level, "label": str(scoring.maturity_label(level))},
        "fields": [vars(field) for field in scoring.handlungsfelder(scores, assessment.priorities, targets)],
        "targets": targets,
        "dont_know": scoring.dont_know_counts(questionnaire_for(assessment), assessment.answers),
    }


_VISIBILITY = OneOf(ENTRY_VISIBILITY_BY_SLUG, required=True)


def _adoption_choices(items: list) -> tuple[list, dict[str, str]]:
    """The keys to adopt and the visibility chosen per key, from plain keys or {"key", "visibility"} objects
    (a plain key takes its template's default); 400 naming the field for a malformed object or visibility."""
    keys, visibilities, fields = [], {}, {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            keys.append(item)
            continue
        key = item.get("key")
        label = str(key)[:50] if isinstance(key, str) else str(index)
        if not isinstance(key, str) or not set(item) <= {"key", "visibility"}:
            fields[f"needs.{label}"] = _l("Each need is a key or an object with key and visibility.")
            continue
        keys.append(key)
        if "visibility" in item:
            try:
                visibilities[key] = _VISIBILITY.clean(item["visibility"])
            except ValueError as error:
                fields[f"needs.{label}.visibility"] = error.args[0]
    if fields:
        raise InvalidAnswers(_l("Some needs cannot be adopted."), fields)
    return keys, visibilities


def adopt(user, assessment, keys, edits: dict | None = None) -> list:
    """Turn proposals into ordinary needs of the organisation, linked back to the assessment."""
    from community.profiles import services as profiles

    limit = len(questionnaire().questions)  # at most one proposal per question
    if isinstance(keys, list) and len(keys) > limit:
        raise InvalidAnswers(_l("Some needs cannot be adopted."), {"needs": lazy_plain("Choose at most %(n)s.", n=limit)})
    if not policy.can(user, "digitalcheck.edit", assessment):
        raise PermissionDenied(_l("You may not adopt needs for this organisation."))
    if not isinstance(keys, list) or not keys:
        raise InvalidAnswers(_l("Choose at least one proposed need."), {"needs": _l("Choose at least one.")})
    keys, visibilities = _adoption_choices(keys)
    proposals = {p["key"]: p for p in proposed_needs(assessment)}
    taken = adopted_keys(assessment)
    fields = {}
    for key in keys:
        if not isinstance(key, str) or key not in proposals:
            label = str(key)[:50]
            fields[f"needs.{label}"] = (_l("Already adopted.") if isinstance(key, str) and key in taken
                                        else _l("Not a proposed need."))
    if fields:
        raise InvalidAnswers(_l("Some needs cannot be adopted."), fields)
    edits = edits or {}
    needs = []
    for key in dict.fromkeys(keys):
        proposal = proposals[key]
        edit = edits.get(key) or {}
        if not isinstance(edit, dict):
            raise InvalidAnswers(_l("Some needs cannot be adopted."), {f"edits.{key}": _l("Must be an object.")})
        data = {"title": edit.get("title", proposal["title"]), "body": edit.get("text", proposal["text"]),
                "topics": proposal["topics"], "ozg_ids": proposal["ozg_ids"],
                "visibility": visibilities.get(key, proposal["visibility"])}
        try:
            data = profiles.validate_entry("need", data)
        except ValidationError as error:
            raise InvalidAnswers(error.message, {f"{key}.{name}": text for name, text in error.fields.items()}) \
                from None
        needs.append((key, data))
    created = []
    for key, data in needs:
        need = profiles.create_entry(user, assessment.organisation, "need", data)
        db.session.add(AssessmentNeed(assessment_id=assessment.id, need_id=need.id, key=key))
        db.session.commit()
        created.append(need)
    return created



def adopted_needs(assessment) -> list:
    return [link.need for link in assessment.need_links]


def get_draft_for_edit(user, assessment_id) -> Assessment:
    assessment = get_assessment_for(user, assessment_id)
    _ensure_editable(user, assessment)
    return assessment


def own_municipality(user):
    """The caller's organisation when it may keep assessments (a municipality); 403 otherwise."""
    return _require_municipality(user)


def questionnaire_to_dict(org_type: str | None = None) -> dict:
    """The current questionnaire; with an org type only that type's questions (400 for an unknown type)."""
    if org_type is not None and org_type not in questionnaire_module.ORG_TYPES:
        raise InvalidInput(_l("Unknown type of municipality."), {"org_type": lazy_plain(
            "Must be one of %(types)s.", types=", ".join(questionnaire_module.ORG_TYPES))})
    known = questionnaire().for_org_type(org_type)
    return {"version": known.version, "dimensions": [{
        "slug": dimension.slug, "label": str(dimension.label), "topics": list(dimension.topics),
        "questions": [{"id": question.id, "text": str(question.text), "applies_to": list(question.applies_to),
                       "sources": [source.to_dict() for source in question.sources],
                       "levels": [{"value": value, "label": str(text)} for value, text in enumerate(question.levels)]}
                      for question in dimension.questions],
    } for dimension in known.dimensions]}


def _iso(moment):
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


def assessment_to_dict(assessment) -> dict:
    result = result_of(assessment)
    bench = benchmarks(assessment)
    return {
        "id": assessment.id, "organisation_id": assessment.organisation_id, "status": assessment.status,
        "submitted_at": _iso(assessment.submitted_at), "questionnaire_version": assessment.questionnaire_version,
        "scores": result["scores"], "overall": result["overall"], "level": result["level"],
        "fields": result["fields"], "targets": result["targets"], "dont_know": result["dont_know"],
        "benchmark": bench["population_class"], "benchmark_land": bench["land"],
        "proposed_needs": proposed_needs(assessment),
        "answers": dict(assessment.answers), "priorities": dict(assessment.priorities),
        "share_with_centre": assessment.share_with_centre, "show_to_peers": assessment.show_to_peers,
        "last_editor": assessment.last_editor.name if assessment.last_editor else None,
        "updated_at": _iso(assessment.updated_at),
    }


def progress_of(assessment) -> list[dict]:
    """Per dimension how many of its questions have an answer (a level, "weiß nicht" or "trifft nicht zu")."""
    return [{"dimension": dimension, "answered": sum(1 for q in dimension.questions if q.id in assessment.answers),
             "total": len(dimension.questions)} for dimension in questionnaire_for(assessment).dimensions]


def change_since_previous(assessment) -> dict | None:
    """{"previous": Assessment, "scores": {slug: delta | None}, "overall": delta | None}, or None."""
    previous = previous_of(assessment)
    if previous is None:
        return None
    now, before = scores_of(assessment), scores_of(previous)

    def delta(a, b):
        return None if a is None or b is None else round(a - b, 1)

    return {"previous": previous, "scores": {slug: delta(now.get(slug), before.get(slug)) for slug in now},
            "overall": delta(scoring.overall_score(now), scoring.overall_score(before))}


def peers_ahead(organisation, dimension: str, limit: int = 3, latest=False) -> list[dict]:
    """Organisations whose latest submitted assessment is at least two maturity levels ahead in this
    dimension; only verified ones of the same org type that opted in to being shown; the same population class
    first. `latest`: the organisation's latest submitted assessment when the caller has it already."""
    own = latest_submitted(organisation.id) if latest is False else latest
    own_score = (own.scores or {}).get(dimension) if own is not None else None
    own_level = scoring.maturity_level(own_score) or 1
    if own_level + 2 > 5:
        return []
    threshold = (own_level + 1) * 20  # the lower bound of level own_level + 2
    same_class = sa.case((AssessmentScore.population_class == organisation.population_class, 0), else_=1) \
        if organisation.population_class else sa.literal(1)
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, AssessmentScore.population_class, AssessmentScore.score)
        .join(Organisation, Organisation.id == AssessmentScore.organisation_id)
        .where(AssessmentScore.is_latest.is_(True), AssessmentScore.dimension == dimension,
               AssessmentScore.show_to_peers.is_(True), AssessmentScore.score >= threshold,
               AssessmentScore.org_type == (organisation.org_type or ""),
               AssessmentScore.organisation_id != organisation.id, Organisation.verified.is_(True))
        .order_by(same_class, AssessmentScore.score.desc(), Organisation.name).limit(limit)).all()
    return [{"organisation_id": ident, "name": name, "score": score,
             "same_class": population_class is not None and population_class == organisation.population_class}
            for ident, name, population_class, score in rows]


def aggregates(include_demo: bool = False) -> list[list]:
    """The anonymised aggregates of the latest submitted assessments of verified organisations: [group, value,
    dimension, organisations, median, p25, p75], only for groups of at least k = 5 organisations; "overall" is
    a dimension too."""
    query = (sa.select(Assessment.scores, Assessment.overall, Organisation.population_class, Organisation.land)
             .join(Organisation, Organisation.id == Assessment.organisation_id)
             .where(Assessment.is_latest.is_(True), Organisation.verified.is_(True)))
    if not include_demo:
        query = query.where(Assessment.is_demo.is_(False))
    groups: dict[tuple[str, str], dict[str, list[float]]] = {}
    for scores, overall, population_class, land in db.session.execute(query):
        values = {**(scores or {}), "overall": overall}
        for key in (("all", ""), ("population_class", population_class), ("land", land)):
            if key[1] is None:
                continue
            bucket = groups.setdefault(key, {})
            for slug, value in values.items():
                if value is not None:
                    bucket.setdefault(slug, []).append(value)
    order = questionnaire_module.all_dimension_slugs() + ["overall"]
    rows = []
    for (group, value), by_dimension in sorted(groups.items()):
        for slug in order:
            stats = scoring.peer_statistics(by_dimension.get(slug, []))
            if stats is not None:
                rows.append([group, value, slug, stats["peers"], stats["median"], stats["p25"], stats["p75"]])
    return rows
