"""Registration by finding the organisation, join requests and the duplicates list: parse, call, render."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from community.auth.current import acting_user
from community.auth.forms import add_errors
from community.auth.services import PASSWORD_MIN
from community.errors import ValidationError
from community.extensions import limiter
from community.joining import bp, services
from community.joining.forms import FUNCTION_HELP, ActionForm, JoinForm, JoinRegisterForm
from community.organisations.services import get_organisation
from community.validation import parse_id


@bp.route("/register/find")
def find():
    query = request.args.get("q", "")
    try:
        results = services.search_register(query)
    except ValidationError as error:
        return render_template("joining/find.html", query=query, results=[], error=error.fields["q"]), 400
    return render_template("joining/find.html", query=query, results=results, error=None)


@bp.route("/register/join/<int:org_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def join(org_id: int):
    org = get_organisation(org_id)
    signed_in = current_user.is_authenticated
    form = JoinForm() if signed_in else JoinRegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            if signed_in:
                services.request_to_join(acting_user(), org, form.function.data)
            else:
                fields = ("name", "email", "password", "password_confirmation", "function")
                user, _request = services.register_and_join({name: getattr(form, name).data for name in fields},
                                                            org.id)
                login_user(user)
        except ValidationError as error:
            add_errors(form, error)
            status = error.status
        else:
            if acting_user().email_confirmed:
                flash(_("Your request to join %(organisation)s has been sent. You will be notified of the answer.",
                        organisation=org.name), "success")
            else:
                flash(_("Your request to join %(organisation)s is saved. Please confirm your e-mail address with "
                        "the link we have just sent you: then the request goes to the administrators.",
                        organisation=org.name), "info")
            return redirect(url_for(".mine"))
    return render_template("joining/join.html", org=org, form=form, signed_in=signed_in,
                           password_min=PASSWORD_MIN, function_help=FUNCTION_HELP), status


@bp.route("/join-requests/mine")
@login_required
def mine():
    return render_template("joining/mine.html", join_request=services.pending_request_of(acting_user()),
                           form=ActionForm())


@bp.route("/organisations/<int:org_id>/join-requests")
@login_required
def requests(org_id: int):
    org = get_organisation(org_id)
    return render_template("joining/requests.html", org=org, pending=services.pending_for(acting_user(), org),
                           form=ActionForm())


_DONE = {
    "approve": (services.approve, lambda r: _("%(name)s is now a member of %(organisation)s.",
                                              name=r.user.name, organisation=r.organisation.name)),
    "decline": (services.decline, lambda r: _("The request of %(name)s has been declined.", name=r.user.name)),
    "withdraw": (services.withdraw, lambda r: _("Your request has been withdrawn.")),
}


@bp.route("/join-requests/<int:request_id>/<any(approve, decline, withdraw):action>", methods=["POST"])
@login_required
def decide(request_id: int, action: str):
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("main.index"))
    user = acting_user()
    join_request = services.get_join_request(user, request_id)
    service, message = _DONE[action]
    service(user, join_request)
    flash(message(join_request), "success")
    if action == "withdraw":
        return redirect(url_for(".find"))
    if user.organisation_id == join_request.organisation_id:
        return redirect(url_for(".requests", org_id=join_request.organisation_id))
    return redirect(url_for(".platform"))


@bp.route("/admin/join-requests")
@login_required
def platform():
    user = acting_user()
    return render_template("joining/platform.html", pending=services.platform_queue(user),
                           duplicates=services.possible_duplicates(user), form=ActionForm())


@bp.route("/admin/organisations/<int:org_id>/<any(merge, distinct):action>", methods=["POST"])
@login_required
def resolve_duplicate(org_id: int, action: str):
    form = ActionForm()
    if not form.validate_on_submit() or not (form.other.data or "").isdigit():
        flash(_("Choose the organisation to compare with."), "error")
        return redirect(url_for(".platform"))
    org, other = get_organisation(org_id), get_organisation(parse_id(form.other.data))
    if action == "merge":
        name = org.name
        services.merge(acting_user(), org, other)
        flash(_("%(duplicate)s has been merged into %(organisation)s.", duplicate=name, organisation=other.name),
              "success")
    else:
        services.mark_distinct(acting_user(), org, other)
        flash(_("%(duplicate)s and %(organisation)s are kept as different organisations.",
                duplicate=org.name, organisation=other.name), "info")
    return redirect(url_for(".platform"))
