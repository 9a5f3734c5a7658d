"""Member management of an organisation and the landing page of invitation links."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from community import policy
from community.auth.current import acting_user
from community.auth.forms import add_errors
from community.errors import Conflict, ValidationError
from community.members import bp, services
from community.members.forms import InviteForm
from community.organisations.services import get_organisation
from community.validation import Flag


def _render(org, status: int = 200, form: InviteForm | None = None, new_link: str | None = None):
    members = services.list_members(acting_user(), org)
    manage = policy.can(acting_user(), "organisation.manage_members", org)
    return render_template(
        "members/list.html",
        organisation=org,
        members=members,
        invites=services.open_invites(acting_user(), org) if manage else [],
        form=form or InviteForm(formdata=None),
        new_link=new_link,
    ), status


@bp.route("/organisations/<int:org_id>/members")
@login_required
def members(org_id: int):
    return _render(get_organisation(org_id))


@bp.route("/organisations/<int:org_id>/members/invites", methods=["POST"])
@login_required
def create_invite(org_id: int):
    org = get_organisation(org_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return redirect(url_for("members.members", org_id=org.id))
    try:
        _invite, token = services.create_invite(acting_user(), org, form.email.data or "")
    except (ValidationError, Conflict) as error:
        add_errors(form, error)
        return _render(org, error.status, form=form)
    # The link is in this response only; the database keeps its hash.
    return _render(org, 201, new_link=services.invite_link(token))


@bp.route("/organisations/<int:org_id>/members/invites/<int:invite_id>/revoke", methods=["POST"])
@login_required
def revoke_invite(org_id: int, invite_id: int):
    org = get_organisation(org_id)
    services.revoke_invite(acting_user(), org, invite_id)
    flash(_("The invitation has been withdrawn."), "success")
    return redirect(url_for("members.members", org_id=org.id))


@bp.route("/organisations/<int:org_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(org_id: int, member_id: int):
    org = get_organisation(org_id)
    try:
        member = services.remove_member(acting_user(), org, member_id)
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for("members.members", org_id=org.id))
    flash(_("%(name)s is no longer a member of %(organisation)s.", name=member.name, organisation=org.name),
          "success")
    if not policy.can(acting_user(), "organisation.view_members", org):
        return redirect(url_for("account.settings"))
    return redirect(url_for("members.members", org_id=org.id))


@bp.route("/organisations/<int:org_id>/members/<int:member_id>/admin", methods=["POST"])
@login_required
def set_org_admin(org_id: int, member_id: int):
    org = get_organisation(org_id)
    try:
        flag = Flag().clean(request.form.get("org_admin"))
    except ValueError as error:
        raise ValidationError(error.args[0]) from error
    try:
        member = services.set_org_admin(acting_user(), org, member_id, flag)
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for("members.members", org_id=org.id))
    message = (_("%(name)s is now an administrator of the organisation.", name=member.name) if flag
               else _("%(name)s is no longer an administrator of the organisation.", name=member.name))
    flash(message, "success")
    return redirect(url_for("members.members", org_id=org.id))


@bp.route("/invite/<token>")
def invite(token: str):
    return render_template("members/invite.html", invite=services.open_invite(token), token=token)


@bp.route("/invite/<token>", methods=["POST"])
@login_required
def accept_invite(token: str):
    joined = services.redeem_invite(token, acting_user())
    flash(_("Welcome to %(organisation)s.", organisation=joined.organisation.name), "success")
    return redirect(url_for("organisations.show", org_id=joined.organisation_id))
