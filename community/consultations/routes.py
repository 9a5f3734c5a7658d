"""Pages of first consultations: the desk (consultants' queue, or the organisation's own), the request
form and the case with its conversation, internal notes (consultants) and the moves one may make."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import policy
from community.consultations import bp, services, workflow
from community.consultations.links import LINK_KINDS
from community.pagination import page_args
from community.profiles.models import Need
from community.extensions import db
from community.suggestions import contacts


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
    return render_template("consultations/desk.html", cases=cases, filters=filters, alerts=alerts,
                           is_consultant=is_consultant, forwarded=forwarded, statuses=workflow.STATUSES,
                           open_statuses=workflow.OPEN_STATUSES, urgencies=services.URGENCIES,
                           age_days=services.age_days, labels=services.LABELS)


def _form_data(form) -> dict:
    data = {name: form.get(name, "") for name in ("subject", "description", "urgency", "preferred_format")}
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
                           assessment=latest_submitted(current_user.organisation_id),
                           urgencies=services.URGENCIES, formats=services.FORMATS, labels=services.LABELS)
    return page, 400 if errors else 200


def _render_case(case, errors=None, status=200):
    return render_template(
        "consultations/show.html", case=case, errors=errors or {},
        messages=services.visible_messages(current_user, case),
        moves=workflow.moves_from(case.status, services.sides_of(current_user, case)),
        data=services.case_to_dict(case, current_user, detail=False), link_kinds=sorted(LINK_KINDS),
        sees_notes=policy.can(current_user, "consultation.internal_notes", case),
        may_rate=policy.can(current_user, "consultation.rate", case), labels=services.LABELS,
    ), status


@bp.route("/<int:case_id>")
@login_required
def show(case_id: int):
    return _render_case(services.get_case(current_user, case_id))


def _recommendations(form) -> list:
    """Lines "kind:id" of the advice form as typed links; the service checks them."""
    links = []
    for line in form.get("recommendations", "").splitlines():
        kind, _, ident = line.strip().partition(":")
        if kind:
            links.append({"kind": kind.strip(), "id": int(ident) if ident.strip().isdigit() else ident.strip()})
    return links


@bp.route("/<int:case_id>/move", methods=["POST"])
@login_required
def move(case_id: int):
    case = services.get_case(current_user, case_id)
    data = {name: request.form[name] for name in ("to", "reason", "scheduled_for", "advice") if request.form.get(name)}
    if "recommendations" in request.form:
        data["recommendations"] = _recommendations(request.form)
    try:
        services.transition(current_user, case, data)
    except services.InvalidInput as error:
        db.session.rollback()
        return _render_case(case, error.fields, 400)
    return redirect(url_for("consultations.show", case_id=case.id))


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
