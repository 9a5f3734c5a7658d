"""Pages of first consultations: the desk (consultants' queue, or the organisation's own), the request
form and the case with its conversation, internal notes (consultants) and the moves one may make."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import policy
from community.consultations import bp, dispatch, links, results, services, workflow
from community.consultations.links import LINK_KINDS, kind_label
from community.pagination import page_args
from community.profiles.models import Need
from community.auth.models import User
from community.digitalcheck.models import Assessment
from community.extensions import db
from community.models_base import utcnow
from community.suggestions import contacts
from community.taxonomy import LAENDER, TOPICS


@bp.route("/")
@login_required
def desk():
    if not policy.can(current_user, "consultation.desk"):
        abort(403)
    try:
        filters = services.clean_filters(request.args)
        alerts = []
    except services.InvalidInput as error:
        filters, alerts = {}, list(error.fields.values())
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), 20)
    cases = services.list_cases(current_user, filters, page, per_page)
    is_consultant = policy.is_consultant(current_user)
    forwarded = contacts.forwarded_requests() if is_consultant else []
    suggested = dispatch.suggestions([case for case in cases.items if case.status == workflow.REQUESTED
                                  and case.assignee_id is None]) if is_consultant else {}
    focus = dispatch.focus_of(current_user) if is_consultant else None
    return render_template("consultations/desk.html", cases=cases, filters=filters, alerts=alerts,
                           suggested=suggested, focus=focus, focus_topics=[(topic.slug, topic.label) for topic in TOPICS],
                           focus_laender=[(land.slug, land.label) for land in LAENDER],
                           is_consultant=is_consultant, forwarded=forwarded, statuses=workflow.STATUSES,
                           open_statuses=workflow.OPEN_STATUSES, urgencies=services.URGENCIES,
                           age_days=services.age_days, labels=services.LABELS)


def _form_data(form) -> dict:
    data = {name: form.get(name, "") for name in ("subject", "description", "urgency", "preferred_format", "phone")}
    data["topics"] = form.getlist("topics")
    data["need_ids"] = form.getlist("need_ids")
    if form.get("attach_assessment"):
        data["assessment_id"] = form.get("attach_assessment")
    return data


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not policy.can(current_user, "consultation.request"):
        from community.joining.waiting import not_yet_page  # not a member or not confirmed yet: say what opens it

        organisation = current_user.organisation
        page = not_yet_page(current_user._get_current_object(), _l("Ask for a first consultation"),
                            confirm_first=organisation is not None and organisation.is_public_body)
        return page or abort(403)
    from community.digitalcheck.services import latest_submitted

    errors, values = {}, {}
    latest = latest_submitted(current_user.organisation_id)
    if request.method == "GET" and latest is not None and request.args.get("assessment") == str(latest.id):
        # "Erstberatung anfragen" on the Digital-Check's result: the request starts from it, attached.
        from community.digitalcheck.recommendations import consultation_draft

        values = consultation_draft(latest)
    if request.method == "POST":
        values = _form_data(request.form)
        try:
            case = services.create_request(current_user, values)
        except services.InvalidInput as error:
            errors = error.fields
        else:
            flash(_l("Your request has been sent to the competence centre."), "success")
            return redirect(url_for("consultations.show", case_id=case.id))
    needs = db.session.scalars(db.select(Need).filter_by(organisation_id=current_user.organisation_id, status="open")
                               .order_by(Need.title)).all()
    page = render_template("consultations/new.html", errors=errors, values=values, needs=needs,
                           assessment=latest,
                           urgencies=services.URGENCIES, formats=services.FORMATS, labels=services.LABELS)
    return page, 400 if errors else 200


def _advice_form_context(case) -> dict:
    """The fields of action to offer (the Digital-Check's dimensions, the attached check's top three ticked)."""
    from community.digitalcheck import services as digitalcheck

    from community.digitalcheck.questionnaire import versions

    dimensions = digitalcheck.questionnaire_for(organisation=case.organisation).dimensions
    labels = {dimension.slug: str(dimension.label) for known in versions().values() for dimension in known.dimensions}
    labels.update({dimension.slug: str(dimension.label) for dimension in dimensions})  # the current wording wins
    suggested = []
    if case.assessment_id and (assessment := db.session.get(Assessment, case.assessment_id)) is not None:
        suggested = [field["dimension"] for field in digitalcheck.result_of(assessment)["fields"][:3]]
    return {"field_options": [(dimension.slug, str(dimension.label)) for dimension in dimensions],
            "dimension_labels": labels,
            "responsible_options": [(slug, _l(word)) for slug, word in results.RESPONSIBLE_WORDS.items()],
            "suggested_fields": suggested,
            "default_follow_up": (utcnow() + results.DEFAULT_FOLLOW_UP).date().isoformat()}


def _consultants_to_assign() -> list:
    if not policy.is_consultant(current_user):
        return []
    return db.session.scalars(db.select(User).filter(User.role == "consultant", User.deleted_at.is_(None))
                              .order_by(User.name)).all()


def _assessment_url(case) -> str | None:
    assessment = db.session.get(Assessment, case.assessment_id) if case.assessment_id else None
    if assessment is None or not policy.can(current_user, "digitalcheck.view", assessment):
        return None
    return url_for("digitalcheck.result", assessment_id=assessment.id)


def _render_case(case, errors=None, status=200):
    return render_template(
        "consultations/show.html", case=case, errors=errors or {}, assessment_url=_assessment_url(case),
        answer_due_on=dispatch.answer_due_on(case), review_open=services.review_open(current_user, case),
        consultant_options=[(user.id, user.name) for user in _consultants_to_assign()],
        advice_form=_advice_form_context(case), result=results.result_to_dict(case, current_user),
        measure_words=results.STATUS_WORDS, measure_statuses=results.MEASURE_STATUSES,
        responsible_words=results.RESPONSIBLE_WORDS, may_mark=results.may_mark(current_user, case),
        messages=services.visible_messages(current_user, case),
        moves=workflow.moves_from(case.status, services.sides_of(current_user, case)),
        data=services.case_to_dict(case, current_user, detail=False), link_kinds=sorted(LINK_KINDS),
        link_label=kind_label, link_picker=_link_picker(case),
        sees_notes=policy.can(current_user, "consultation.internal_notes", case),
        may_rate=policy.can(current_user, "consultation.rate", case), labels=services.LABELS,
    ), status


@bp.route("/<int:case_id>")
@login_required
def show(case_id: int):
    return _render_case(services.get_case(current_user, case_id))


MAX_PICKED = services.MAX_RECOMMENDATIONS
LINK_SEARCH_RESULTS = 10


def _links(values) -> list[dict]:
    """Checked "kind:id" values as typed links (at most MAX_PICKED); the service checks that each exists."""
    links = []
    for value in list(values)[:MAX_PICKED]:
        kind, _, ident = str(value).partition(":")
        if kind and ident.isdigit():
            links.append({"kind": kind, "id": int(ident)})
    return links


def _link_picker(case) -> dict:
    """The advice form's recommendations: what the consultant picked so far (carried through each search) and
    what the search for `link_q` found among the kinds a recommendation may point at. Nobody types an id."""
    from community.search.services import search

    picked = [links.describe(link, current_user) | {"value": f"{link['kind']}:{link['id']}", "label": kind_label(
        link["kind"])} for link in _links(request.args.getlist("picked")) if links.resolve(link) is not None]
    query = request.args.get("link_q", "").strip()[:200]
    found = []
    if query and policy.is_consultant(current_user):
        taken = {item["value"] for item in picked}
        for hit in search(current_user, query, per_page=LINK_SEARCH_RESULTS * 2, everything=True).page.items:
            ident = hit.id if hit.item is None else hit.item.id
            value = f"{hit.kind}:{ident}"
            if hit.kind in LINK_KINDS and value not in taken and len(found) < LINK_SEARCH_RESULTS:
                found.append({"value": value, "title": hit.title, "label": kind_label(hit.kind)})
    return {"query": query, "picked": [item for item in picked if item["title"]], "found": found}


@bp.route("/<int:case_id>/move", methods=["POST"])
@login_required
def move(case_id: int):
    case = services.get_case(current_user, case_id)
    data = {name: request.form[name] for name in ("to", "reason", "scheduled_for", "meeting_details", "advice")
            if request.form.get(name)}
    if request.form.get("to") == "advised":
        data["recommendations"] = _links(request.form.getlist("recommendation"))
    if request.form.get("to") == "advised":
        data.update(_result(request.form))
    try:
        services.transition(current_user, case, data)
    except services.InvalidInput as error:
        db.session.rollback()
        return _render_case(case, error.fields, 400)
    return redirect(url_for("consultations.show", case_id=case.id))


def _result(form) -> dict:
    """The structured result from the advice form: blank measure rows are left out; the service checks the rest."""
    measures = []
    for row in range(1, MEASURE_ROWS + 1):
        values = {name: form.get(f"measure-{row}-{name}", "").strip()
                  for name in ("title", "field", "priority", "horizon_months", "responsible")}
        if values["title"]:
            measures.append({**values, "field": values["field"] or None,
                             "links": _links(form.getlist(f"measure-{row}-links"))[:results.MAX_MEASURE_LINKS]})
    result = {"situation": form.get("situation", ""), "fields": form.getlist("fields"), "measures": measures,
              "funding": form.get("funding", ""), "next_steps": form.get("next_steps", "")}
    data = {"result": result}
    if form.get("follow_up_on"):
        data["follow_up_on"] = form["follow_up_on"]
    return data


MEASURE_ROWS = 5


@bp.route("/<int:case_id>/measures/<int:measure_id>", methods=["POST"])
@login_required
def mark_measure(case_id: int, measure_id: int):
    case = services.get_case(current_user, case_id)
    try:
        results.update_measure(current_user, case, measure_id, {"status": request.form.get("status", "")})
    except services.InvalidInput as error:
        return _render_case(case, error.fields, 400)
    flash(_l("The measure's status has been saved."), "success")
    return redirect(url_for("consultations.show", case_id=case.id) + "#result")


@bp.route("/focus", methods=["POST"])
@login_required
def focus():
    try:
        dispatch.set_focus(current_user, {"topics": request.form.getlist("topics"),
                                      "laender": request.form.getlist("laender")})
    except services.InvalidInput as error:
        flash(" ".join(str(message) for message in error.fields.values()), "error")
    else:
        flash(_l("Your topics and Länder have been saved."), "success")
    return redirect(url_for("consultations.desk") + "#focus")


@bp.route("/<int:case_id>/assign", methods=["POST"])
@login_required
def assign(case_id: int):
    case = services.get_case(current_user, case_id)
    try:
        results.assign(current_user, case, {"consultant_id": request.form.get("consultant_id", "")})
    except services.InvalidInput as error:
        flash(" ".join(str(message) for message in error.fields.values()), "error")
    return redirect(request.form.get("next") == "desk" and url_for("consultations.desk")
                    or url_for("consultations.show", case_id=case.id))


@bp.route("/<int:case_id>/review", methods=["POST"])
@login_required
def review(case_id: int):
    case = services.get_case(current_user, case_id)
    try:
        services.submit_review(current_user, case, {"progress": request.form.get("progress", ""),
                                                   "more_help": request.form.get("more_help", "")})
    except services.InvalidInput as error:
        return _render_case(case, error.fields, 400)
    flash(_l("Thank you: your review is with the competence centre."), "success")
    return redirect(url_for("consultations.show", case_id=case.id) + "#conversation")


@bp.route("/<int:case_id>/report.pdf")
@login_required
def report_pdf(case_id: int):
    from community.consultations.report import result_pdf

    case = services.get_case(current_user, case_id)
    if case.result is None:
        abort(404)
    labels = _advice_form_context(case)["dimension_labels"]
    return Response(result_pdf(case, current_user, labels), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ergebnisbericht-{case.id}.pdf"'})


@bp.route("/<int:case_id>/messages", methods=["POST"])
@login_required
def message(case_id: int):
    case = services.get_case(current_user, case_id)
    try:
        services.post_message(current_user, case, {"text": request.form.get("text", ""),
                                                   "internal": request.form.get("internal", "")})
    except services.InvalidInput as error:
        return _render_case(case, error.fields, 400)
    return redirect(url_for("consultations.show", case_id=case.id) + "#conversation")


@bp.route("/<int:case_id>/rating", methods=["POST"])
@login_required
def rating(case_id: int):
    case = services.get_case(current_user, case_id)
    try:
        services.rate(current_user, case, {"rating": request.form.get("rating", ""),
                                           "comment": request.form.get("comment", "")})
    except services.InvalidInput as error:
        return _render_case(case, error.fields, 400)
    flash(_l("Thank you for your rating."), "success")
    return redirect(url_for("consultations.show", case_id=case.id))
