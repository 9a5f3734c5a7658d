"""Pages of the Digitalkompass für Kommunen (URLs keep /digital-check): the overview (start or resume), one page per dimension, the closing step with
the privacy choices, the result page with its charts, the PDF, and adopting proposed needs."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import policy
from community.digitalcheck import bp, charts, scoring, services
from community.digitalcheck.recommendations import recommendations_for
from community.errors import InvalidInput, PermissionDenied
from community.i18n import lazy_plain

# The form's values besides the levels 0–4: the two answers that are not a level.
ANSWER_WORDS = scoring.ANSWER_WORDS


def _may_answer() -> bool:
    return policy.can(current_user, "digitalcheck.create", current_user.organisation)


def _refused():
    from community.joining.waiting import not_yet_page  # not a member yet (#24): when it opens, not "not for companies"

    if (page := not_yet_page(current_user._get_current_object(), _l("Digital Compass"))) is not None:
        return page
    organisation = getattr(current_user, "organisation", None)
    public_body = organisation is not None and organisation.is_public_body
    return render_template("digitalcheck/refused.html", public_body=public_body), 403


@bp.route("/")
@login_required
def index():
    if not _may_answer():
        return _refused()
    organisation = current_user.organisation
    draft = services.current_draft(organisation.id)
    assessments = services.list_assessments(organisation.id, 1, 50).items
    return render_template("digitalcheck/index.html", draft=draft, assessments=assessments,
                           answered_by_field=services.progress_of(draft) if draft else None,
                           previous=services.latest_submitted(organisation.id), steps=_steps(draft) if draft else [],
                           result_of=services.result_of)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    if not _may_answer():
        return _refused()
    assessment = services.start_assessment(current_user, share_with_centre=bool(request.form.get("share_with_centre")),
                                           show_to_peers=bool(request.form.get("show_to_peers")))
    return redirect(url_for("digitalcheck.step", assessment_id=assessment.id, number=1))


def _steps(assessment, current: int | None = None) -> list[dict]:
    """The task list: one step per dimension, then the closing step."""
    tasks = []
    for number, item in enumerate(services.progress_of(assessment), start=1):
        answered, total = item["answered"], item["total"]
        status, kind = ((_l("Complete"), "success") if answered == total else
                        (lazy_plain("%(answered)s of %(total)s answered", answered=answered, total=total), "warning")
                        if answered else (_l("Not started"), "info"))
        tasks.append({"title": str(item["dimension"].label), "status": status, "status_kind": kind,
                      "href": url_for("digitalcheck.step", assessment_id=assessment.id, number=number),
                      "current": number == current})
    last = len(tasks) + 1
    tasks.append({"title": _l("Privacy and submission"), "status": None, "current": last == current,
                  "href": url_for("digitalcheck.step", assessment_id=assessment.id, number=last)})
    return tasks


def _number(value: str):
    """A short digit string as its number; anything else unchanged, for the service to name as invalid."""
    return int(value) if value.isdigit() and len(value) < 3 else value


def _answers_from(form, dimension) -> dict:
    answers = {}
    for question in dimension.questions:
        value = form.get(question.id)
        if value is None or value == "":
            continue
        answers[question.id] = value if value in ANSWER_WORDS else _number(value)
    return answers


@bp.route("/<int:assessment_id>/steps/<int:number>", methods=["GET", "POST"])
@login_required
def step(assessment_id: int, number: int):
    assessment = services.get_assessment_for(current_user, assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("digitalcheck.result", assessment_id=assessment.id))
    if not policy.can(current_user, "digitalcheck.edit", assessment):
        raise PermissionDenied(_l("You may not change this assessment."))
    dimensions = services.questionnaire_for(assessment).dimensions
    steps = len(dimensions) + 1
    if not 1 <= number <= steps:
        abort(404)
    dimension = dimensions[number - 1] if number <= len(dimensions) else None
    errors = {}
    if request.method == "POST":
        action = request.form.get("action", "next")
        try:
            if dimension is not None:
                priority = request.form.get("priority", "")
                priorities = {dimension.slug: _number(priority)} if priority else {}
                # The target select: empty is "no target" (a null clears a stored one).
                target = request.form.get("target")
                targets = {} if target is None else {dimension.slug: _number(target) if target else None}
                services.save(current_user, assessment, _answers_from(request.form, dimension), priorities, targets)
            else:
                services.save(current_user, assessment, share_with_centre=bool(request.form.get("share_with_centre")),
                              show_to_peers=bool(request.form.get("show_to_peers")), submit=action == "submit")
        except InvalidInput as error:
            errors = error.fields
        else:
            if action == "submit":
                flash(_l("Your Digital Compass has been submitted."), "success")
                return redirect(url_for("digitalcheck.result", assessment_id=assessment.id))
            target = number - 1 if action == "back" else number if action == "save" else number + 1
            if action == "save":
                flash(_l("Your answers have been saved as a draft."), "success")
            return redirect(url_for("digitalcheck.step", assessment_id=assessment.id,
                                    number=min(max(target, 1), steps)))
    page = render_template("digitalcheck/step.html", assessment=assessment, dimension=dimension, number=number,
                           steps=steps, tasks=_steps(assessment, number), errors=errors,
                           dont_know=scoring.DONT_KNOW, not_applicable=scoring.NOT_APPLICABLE,
                           priorities=scoring.PRIORITIES, default_priority=scoring.DEFAULT_PRIORITY,
                           target_levels=scoring.TARGET_LEVELS,
                           result=services.result_of(assessment) if dimension is None else None)
    return page, 400 if errors else 200


def result_context(assessment) -> dict:
    known = services.questionnaire_for(assessment)
    labels = {d.slug: str(d.label) for d in known.dimensions}
    result = services.result_of(assessment)
    bench = services.benchmarks(assessment)
    by_class, by_land = bench["population_class"], bench["land"]
    medians = {slug: (stats or {}).get("median") for slug, stats in by_class.items()}
    field_by = {field["dimension"]: field for field in result["fields"]}
    # Each row carries the field's Soll ("target", a level 0–4, × 25 on the score scale) and its gap, so the
    # table and the charts show Ist and Soll side by side.
    rows = [{"slug": d.slug, "label": labels[d.slug], "score": result["scores"].get(d.slug),
             "stats": by_class.get(d.slug), "land": by_land.get(d.slug),
             "target": field_by[d.slug]["target"], "target_score": scoring.target_score(field_by[d.slug]["target"]),
             "gap": field_by[d.slug]["gap"], "dont_know": result["dont_know"].get(d.slug, 0)}
            for d in known.dimensions]
    return {"assessment": assessment, "result": result, "labels": labels, "rows": charts.bars(rows),
            "radar": charts.radar([(d.slug, labels[d.slug]) for d in known.dimensions], result["scores"], medians,
                                  charts.targets_of(result["fields"])),
            "change": services.change_since_previous(assessment), "bar_width": charts.BAR_WIDTH,
            "top_fields": [f for f in result["fields"] if f["need_for_action"] is not None][:services.TOP_FIELDS],
            "topics": {d.slug: d.topics for d in known.dimensions}}


@bp.route("/<int:assessment_id>")
@login_required
def result(assessment_id: int):
    assessment = services.get_assessment_for(current_user, assessment_id)
    if not assessment.is_submitted:
        if policy.can(current_user, "digitalcheck.edit", assessment):
            return redirect(url_for("digitalcheck.step", assessment_id=assessment.id, number=1))
        abort(404)
    context = _with_advice(result_context(assessment))
    return render_template("digitalcheck/result.html", **context, errors={}, values={})


def _with_advice(context: dict) -> dict:
    """The result with what the page and the PDF report both show below it: the recommendations per top
    field, the proposed needs (to those who may adopt them) and the adopted ones."""
    assessment = context["assessment"]
    may_edit = policy.can(current_user, "digitalcheck.edit", assessment)
    recommendations = {field["dimension"]: recommendations_for(assessment.organisation, field["dimension"],
                                                               context["topics"][field["dimension"]])
                       for field in context["top_fields"]}
    return {**context, "may_edit": may_edit, "proposals": services.proposed_needs(assessment) if may_edit else [],
            "adopted": services.adopted_needs(assessment), "recommendations": recommendations}


@bp.route("/<int:assessment_id>/report.pdf")
@login_required
def report(assessment_id: int):
    from community.digitalcheck import pdf

    assessment = services.get_assessment_for(current_user, assessment_id)
    if not assessment.is_submitted:
        abort(404)
    body = pdf.render(_with_advice(result_context(assessment)))
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="digitalkompass-{assessment.id}.pdf"'}


@bp.route("/<int:assessment_id>/adopt", methods=["POST"])
@login_required
def adopt(assessment_id: int):
    assessment = services.get_assessment_for(current_user, assessment_id)
    back = url_for("digitalcheck.result", assessment_id=assessment.id) + "#needs"
    chosen = request.form.getlist("needs")
    # A form sent twice (double click, reload) names needs the first submit adopted already: those are
    # skipped, so the second submit changes nothing and says so instead of failing.
    taken = services.adopted_keys(assessment)
    keys = [key for key in chosen if key not in taken]
    if chosen and not keys:
        flash(_l("These needs have been added to your organisation's profile already."), "info")
        return redirect(back)
    edits = {key: {"title": request.form.get(f"title-{key}", ""), "text": request.form.get(f"text-{key}", "")}
             for key in keys}
    # Each need with the visibility chosen beside it; without a choice the template's default applies.
    choices = [{"key": key, "visibility": request.form[f"visibility-{key}"]} if f"visibility-{key}" in request.form
               else key for key in keys]
    try:
        needs = services.adopt(current_user, assessment, choices, edits)
    except InvalidInput as error:
        # The session stores flashed messages as JSON: plain strings, not lazy text.
        for message in dict.fromkeys(str(text) for text in [error.message, *error.fields.values()]):
            flash(message, "error")
        return redirect(back)
    flash(lazy_plain("%(count)s needs have been added to your organisation's profile.", count=len(needs)), "success")
    return redirect(back)
