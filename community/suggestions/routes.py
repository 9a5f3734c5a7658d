"""Suggestions and contact requests in the browser: parse, call the services, render."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from community.auth.current import acting_user
from community.errors import Conflict, ValidationError
from community.extensions import db
from community.notifications.services import has_active_members
from community.organisations.forms import form_values, show_service_errors
from community.organisations.models import Organisation
from community.pagination import Page, page_args
from community.suggestions import bp, contacts, services
from community.suggestions.forms import ContactForm, DecisionForm, FeedbackForm, SuggestionFilterForm
from community.suggestions.models import FORWARDED
from community.suggestions.ratelimit import contact_rate_limit
from community.validation import parse_id

FEEDBACK_DONE = {
    "dismiss": lambda: _("The suggestion has been dismissed; it will not be shown again."),
    "save": lambda: _("The suggestion has been saved."),
    "unsave": lambda: _("The suggestion has been removed from your saved list."),
}


@bp.route("/suggestions")
@login_required
def index():
    user = acting_user()
    form = SuggestionFilterForm(formdata=request.args)
    if user.organisation is None:
        return render_template("suggestions/index.html", form=form, alerts=[], result=None)
    try:
        filters = services.clean_filters(request.args)
    except ValidationError as error:
        alerts = show_service_errors(form, error)
        return render_template("suggestions/index.html", form=form, alerts=alerts, result=None), 400
    page = page_args(request.args.get("page"), None, services.ENTRIES_PER_PAGE)[0]
    offers_page = page_args(request.args.get("offers_page"), None, services.ENTRIES_PER_PAGE)[0]
    return render_template("suggestions/index.html", form=form, alerts=[],
                           result=services.suggestions_for(user, filters, page=page, shown=services.OVERVIEW_SHOWN,
                                                           offers_page=offers_page))


@bp.route("/suggestions/<any(needs, offers):plural>/<int:entry_id>")
@login_required
def entry(plural: str, entry_id: int):
    """One need's (or offer's) own page of suggestions, paged."""
    user = acting_user()
    form = SuggestionFilterForm(formdata=request.args)
    filters = services.clean_filters(request.args)
    group = services.suggestions_for_entry(user, plural[:-1], entry_id, filters)
    page, per_page = page_args(request.args.get("page"), request.args.get("per_page"), services.ENTRY_PER_PAGE)
    relation = services.MAIN_RELATION[plural[:-1]]
    cards = group.by_relation.get(relation, [])
    start = (page - 1) * per_page
    return render_template("suggestions/entry.html", form=form, group=group, relation=relation, plural=plural,
                           page=Page(cards[start:start + per_page], len(cards), page, per_page),
                           peers=group.by_relation.get("peer", [])[:services.SHOWN * 2] if page == 1 else [],
                           saved_keys=services.saved_keys(user))


def _back_to_suggestions():
    target = request.form.get("next", "")
    if not target.startswith("/suggestions") or target.startswith("//"):
        target = url_for("suggestions.index")
    return redirect(target)


@bp.route("/suggestions/<any(dismiss, save, unsave):action>", methods=["POST"])
@login_required
def feedback(action: str):
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return _back_to_suggestions()
    data = {"source": form.source.data, "target": form.target.data}
    if action == "unsave":
        services.forget_saved(acting_user(), data)
    else:
        services.record_feedback(acting_user(), services.DISMISSED if action == "dismiss" else services.SAVED, data)
    flash(FEEDBACK_DONE[action](), "success")
    return _back_to_suggestions()


def _render_contact_form(form, organisation, alerts: list, status: int = 200):
    return render_template("suggestions/contact_form.html", form=form, organisation=organisation, alerts=alerts,
                           active_members=organisation is None or has_active_members(organisation.id)), status


@bp.route("/contacts/new", methods=["GET", "POST"])
@login_required
@contact_rate_limit
def new_contact():
    user = acting_user()
    if user.organisation is None:
        flash(_("Your account does not belong to an organisation."), "error")
        return redirect(url_for("suggestions.contact_list"))
    if request.method == "GET":
        form = ContactForm(formdata=None, to_organisation_id=request.args.get("to", ""),
                           need_id=request.args.get("need", ""), offer_id=request.args.get("offer", ""))
    else:
        form = ContactForm()
    organisation = db.session.get(Organisation, organisation_id) \
        if (organisation_id := parse_id(form.to_organisation_id.data)) else None
    if organisation is None:
        return _render_contact_form(form, None, [_("Choose an organisation to contact from your suggestions.")],
                                    404 if request.method == "GET" else 422)
    if not form.validate_on_submit():
        return _render_contact_form(form, organisation, [], 400 if request.method == "POST" else 200)
    try:
        sent = contacts.create_contact_request(
            user, {**form_values(form), "forward_to_centre": bool(request.form.get("forward_to_centre"))})
    except ValidationError as error:
        return _render_contact_form(form, organisation, show_service_errors(form, error), 422)
    except Conflict as error:
        return _render_contact_form(form, organisation, [error.message], 409)
    if sent.status == FORWARDED:
        flash(_("Nobody at %(organisation)s has received your request yet: the competence centre will pass it on.",
                organisation=organisation.name), "success")
        return redirect(url_for("suggestions.contact_list", direction=contacts.OUTGOING))
    flash(_("Your contact request has been sent to %(organisation)s.", organisation=organisation.name), "success")
    return redirect(url_for("suggestions.contact_list", direction=contacts.OUTGOING))


@bp.route("/contacts")
@login_required
def contact_list():
    user = acting_user()
    direction = request.args.get("direction") if request.args.get("direction") in contacts.DIRECTIONS \
        else contacts.INCOMING
    page = None
    if user.organisation is not None:
        page = contacts.list_contact_requests(
            user, {"direction": direction},
            *page_args(request.args.get("page"), request.args.get("per_page"), current_app.config["PER_PAGE"]))
    return render_template("suggestions/contacts.html", page=page, direction=direction,
                           details=lambda item: contacts.contact_details(user, item), form=DecisionForm(formdata=None),
                           state_of=contacts.state_of, state_labels=contacts.STATE_LABELS)


DECISIONS = {
    "accept": (contacts.accept_contact_request, lambda: _("Accepted. You can now see each other's contact details.")),
    "decline": (contacts.decline_contact_request, lambda: _("Declined.")),
    "withdraw": (contacts.withdraw_contact_request, lambda: _("Your contact request has been withdrawn.")),
}


@bp.route("/contacts/<int:request_id>/<any(accept, decline, withdraw):action>", methods=["POST"])
@login_required
def decide(request_id: int, action: str):
    user = acting_user()
    contact = contacts.get_contact_request(user, request_id)
    if not DecisionForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
    else:
        decide_with, done = DECISIONS[action]
        try:
            decide_with(user, contact)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(done(), "success")
    return redirect(url_for("suggestions.contact_list", direction=contacts.direction_of(user, contact)))
