"""Pages of good examples: the library with facets and search, one example (with "Nachnutzen",
"hilfreich" and its forum thread), the submission and edit form, and the reviewers' queue."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import policy
from community.errors import Conflict, InvalidInput
from community.examples import bp, services
from community.examples.rules import is_reviewer
from community.notifications.services import has_active_members
from community.pagination import page_args
from community.profiles import catalogue
from community.rendering import render_markdown
from community.suggestions.ratelimit import contact_rate_limit
from community.suggestions.models import FORWARDED
from community.i18n import lazy_plain

LONG_FIELDS = ("summary", "problem", "solution", "results", "lessons")
TEXT_FIELDS = ("title", *LONG_FIELDS, "costs", "duration_months", "project_status")
FIELD_LABELS = {"title": _l("Title"), "summary": _l("Summary"), "problem": _l("The problem"),
                "solution": _l("The solution"), "results": _l("Results"), "lessons": _l("Lessons learned"),
                "topics": _l("Topics"), "ozg_ids": _l("OZG services"), "partner_organisation_ids": _l("Partners"),
                "costs": _l("Costs"), "duration_months": _l("Duration"), "project_status": _l("Project status"),
                "contact_open": _l("Others may contact us about this example")}


def _labels() -> dict:
    return {"costs": services.COST_BY_SLUG, "project_status": services.PROJECT_STATUS_BY_SLUG,
            "status": services.STATUS_LABELS}


@bp.app_template_global("examples_solved_elsewhere")
def _solved_elsewhere(need):
    """For the need page: published examples of others that match it (see templates/profiles/show.html)."""
    return services.solved_elsewhere(current_user, need)


@bp.app_template_global("example_of_contact")
def _example_of_contact(request):
    """For the contact requests list: the good example a "Nachnutzen" request came from, if any."""
    from community.examples.models import Example, ExampleInterest
    from community.extensions import db

    return db.session.scalar(db.select(Example).join(ExampleInterest, ExampleInterest.example_id == Example.id)
                             .filter(ExampleInterest.contact_request_id == request.id))


@bp.route("/")
def index():
    try:
        filters = services.clean_filters(request.args)
        alerts = []
    except InvalidInput as error:
        filters, alerts = {}, [str(message) for message in error.fields.values()]
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), 20)
    found = services.list_examples(current_user, filters, page, per_page)
    args = {name: value for name, value in filters.items() if value}
    counts = services.helpful_counts(item.version.example.id for item in found.items)
    return render_template("examples/index.html", found=found, filters=filters, args=args, alerts=alerts,
                           counts=counts, labels=_labels(), ozg_services=catalogue.MUNICIPAL,
                           ozg_name=catalogue.SERVICES[filters["ozg_id"]].name
                           if filters.get("ozg_id") in catalogue.SERVICES else request.args.get("ozg", "")[:200],
                           can_write=policy.can(current_user, "example.create"),
                           is_reviewer=is_reviewer(current_user))


def _form_data(form) -> dict:
    data = {name: form.get(name, "") for name in TEXT_FIELDS}
    data["topics"] = form.getlist("topics")
    data["ozg_ids"] = form.getlist("ozg_ids")
    data["partner_organisation_ids"] = form.getlist("partner_organisation_ids")
    data["contact_open"] = bool(form.get("contact_open"))
    data["draft"] = form.get("action") == "draft"
    if not data["duration_months"]:
        data["duration_months"] = None
    if not data["costs"]:
        data["costs"] = None
    return data


def _partner_choices():
    from community.extensions import db
    from community.organisations.models import Organisation

    return db.session.scalars(db.select(Organisation).filter(Organisation.id != current_user.organisation_id)
                              .order_by(Organisation.name).limit(500)).all()


def _render_form(example, values, errors, status=200):
    return render_template("examples/form.html", example=example, values=values, errors=errors,
                           labels=_labels(), costs=services.COSTS, project_statuses=services.PROJECT_STATUSES,
                           ozg_groups=catalogue.grouped_by_themenfeld(), partners=_partner_choices()), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not policy.can(current_user, "example.create"):
        abort(403)
    errors, values = {}, {"contact_open": True, "topics": [], "ozg_ids": [], "partner_organisation_ids": []}
    if request.method == "POST":
        values = _form_data(request.form)
        try:
            example = services.create_example(current_user._get_current_object(), values)
        except InvalidInput as error:
            errors = error.fields
        else:
            flash(_l("Saved as a draft.") if values["draft"] else _l("Submitted for review. Thank you!"), "success")
            return redirect(url_for("examples.show", example_id=example.id))
    return _render_form(None, values, errors, 400 if errors else 200)


@bp.route("/<int:example_id>/edit", methods=["GET", "POST"])
@login_required
def edit(example_id: int):
    example = services.get_example(current_user, example_id)
    if not policy.can(current_user, "example.edit", example):
        abort(403)
    errors, values = {}, example.working_values()
    if request.method == "POST":
        values = _form_data(request.form)
        try:
            services.update_example(current_user._get_current_object(), example, values)
        except InvalidInput as error:
            errors = error.fields
        else:
            flash(_l("Saved as a draft.") if values["draft"] else _l("Submitted for review. Thank you!"), "success")
            return redirect(url_for("examples.show", example_id=example.id))
    return _render_form(example, values, errors, 400 if errors else 200)


@bp.route("/<int:example_id>/delete", methods=["GET", "POST"])
@login_required
def delete(example_id: int):
    example = services.get_example(current_user, example_id)
    if not policy.can(current_user, "example.edit", example):
        abort(403)
    if request.method == "POST":
        services.delete_example(current_user._get_current_object(), example)
        flash(_l("The good example was deleted."), "success")
        return redirect(url_for("examples.index"))
    return render_template("examples/delete.html", example=example)


def _show(example, version, status=200, interest_errors=None, interest_message=""):
    html = {name: render_markdown(getattr(version, name) or "") for name in LONG_FIELDS}
    return render_template(
        "examples/show.html", example=example, version=version, html=html, labels=_labels(),
        helpful=services.helpful_counts([example.id]).get(example.id, 0),
        voted=services.has_voted(current_user, example), interest_errors=interest_errors or {},
        interest_message=interest_message, is_reviewer=is_reviewer(current_user),
        active_members=has_active_members(example.organisation_id)), status


@bp.route("/<int:example_id>")
def show(example_id: int):
    example = services.get_example(current_user, example_id)
    version = services.version_for(current_user, example)
    if request.args.get("view") == "published" and example.published is not None:
        version = services.published_version(example)
    return _show(example, version)


@bp.route("/<int:example_id>/interest", methods=["POST"])
@login_required
@contact_rate_limit
def interest(example_id: int):
    example = services.get_example(current_user, example_id)
    message = request.form.get("message", "")
    try:
        sent = services.express_interest(current_user._get_current_object(), example, {
            "message": message, "forward_to_centre": bool(request.form.get("forward_to_centre"))})
    except InvalidInput as error:
        return _show(example, services.version_for(current_user, example), 400, error.fields, message)
    except Conflict as error:  # answered on the page, not by a redirect: a refused request costs no budget
        flash(str(error.message), "error")
        return _show(example, services.version_for(current_user, example), 409)
    if sent.status == FORWARDED:
        flash(lazy_plain("Nobody at %(organisation)s has received your request yet: the competence centre will pass it on.",
                 organisation=example.organisation.name), "success")
    else:
        flash(_l("Your request has been sent. Contact details are shared once the organisation accepts."), "success")
    return redirect(url_for("suggestions.contact_list", direction="outgoing"))


@bp.route("/<int:example_id>/helpful", methods=["POST"])
@login_required
def helpful(example_id: int):
    example = services.get_example(current_user, example_id)
    if request.form.get("undo"):
        services.unvote(current_user, example)
    else:
        services.vote(current_user, example)
    return redirect(url_for("examples.show", example_id=example.id))


@bp.route("/<int:example_id>/thread", methods=["GET", "POST"])
@login_required
def thread(example_id: int):
    """Questions about the example: the form; a thread exists only once a question is posted (#24)."""
    example = services.get_example(current_user, example_id)
    existing = services.question_thread(example)
    errors, question = {}, ""
    if request.method == "POST":
        question = request.form.get("question", "")
        try:
            found = services.ask_question(current_user._get_current_object(), example, question)
        except InvalidInput as error:
            errors = error.fields
        else:
            flash(_l("Your question has been posted."), "success")
            return redirect(url_for("forums.thread", thread_id=found.id))
    return render_template("examples/question.html", example=example, existing=existing, errors=errors,
                           question=question, title=(example.published or {}).get("title", "")), 400 if errors else 200


@bp.route("/review")
@login_required
def review_queue():
    waiting = services.review_queue(current_user)
    return render_template("examples/review_queue.html", waiting=waiting, labels=_labels())


@bp.route("/<int:example_id>/review", methods=["GET", "POST"])
@login_required
def review(example_id: int):
    example = services.get_for_review(current_user, example_id)
    errors, values = {}, {}
    if request.method == "POST":
        values = {"decision": request.form.get("decision", ""), "reason": request.form.get("reason", "")}
        try:
            services.review(current_user._get_current_object(), example, values)
        except InvalidInput as error:
            errors = error.fields
        except Conflict as error:
            flash(str(error.message), "error")
            return redirect(url_for("examples.review_queue"))
        else:
            flash(_l("Published.") if values["decision"] == services.PUBLISH else _l("Returned to the authors."),
                  "success")
            return redirect(url_for("examples.review_queue"))
    working = services.version_for(current_user, example)
    html = {name: render_markdown(getattr(working, name) or "") for name in LONG_FIELDS}
    changed = [FIELD_LABELS[name] for name in FIELD_LABELS
               if example.published and example.published.get(name) != working.values.get(name)]
    return render_template("examples/review.html", example=example, version=working, html=html, errors=errors,
                           values=values, labels=_labels(), changed=changed), 400 if errors else 200
