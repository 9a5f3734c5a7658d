"""The account settings page: profile, password, API tokens, data export and account deletion."""
import json

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import login_required, login_user, logout_user

from community.account import bp, services
from community.account.forms import DeleteAccountForm, PasswordForm, ProfileForm, TokenForm
from community.auth import services as auth_services
from community.auth import totp
from community.auth.forms import CodeForm
from community.auth.current import acting_user
from community.auth.forms import add_errors
from community.errors import ServiceError, ValidationError
from community.extensions import limiter
from community.members.services import successor_candidates
from community.models_base import utcnow


def _password_attempts() -> str:
    # Both forms check the current password: a stolen session must not become a password oracle.
    return current_app.config["RATELIMIT_LOGIN"]


def _render(status: int = 200, new_token: str | None = None, **forms):
    user = acting_user()
    forms.setdefault("profile_form", ProfileForm(obj=user, formdata=None))
    forms.setdefault("password_form", PasswordForm(formdata=None))
    forms.setdefault("token_form", TokenForm(formdata=None))
    forms.setdefault("delete_form", _delete_form(user, formdata=None))
    return render_template(
        "account/settings.html", tokens=services.list_tokens(user), new_token=new_token, **forms
    ), status


@bp.route("/")
@login_required
def settings():
    return _render()


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in ("name", "job_title", "phone", "locale")}
        try:
            user = services.update_profile(acting_user(), data)
        except ValidationError as error:
            add_errors(form, error)
            return _render(error.status, profile_form=form)
        session["locale"] = user.locale
        flash(_("Your profile has been saved."), "success")
    return redirect(url_for("account.settings"))


@bp.route("/password", methods=["POST"])
@login_required
@limiter.limit(_password_attempts, methods=["POST"])
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = auth_services.change_password(
                acting_user(), form.current_password.data, form.new_password.data,
                form.new_password_confirmation.data,
            )
        except ValidationError as error:
            add_errors(form, error)
            return _render(error.status, password_form=form)
        # The new auth version ended every session; this one continues under the new version.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        login_user(user, remember=remembered)
        flash(_("Your password has been changed. You have been logged out everywhere else."), "success")
    return redirect(url_for("account.settings"))


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _record, token = services.issue_token(acting_user(), form.token_name.data)
        except ServiceError as error:
            add_errors(form, error, {"name": "token_name"})
            return _render(error.status, token_form=form)
        # Shown in this response only; afterwards only its hash exists.
        return _render(201, new_token=token)
    return redirect(url_for("account.settings"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    services.revoke_token(acting_user(), token_id)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("account.settings"))


@bp.route("/export")
@login_required
def export_data():
    user = acting_user()
    data = services.export_user_data(user)
    filename = f"kommunalnetz-{user.id}-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _delete_form(user, **kwargs) -> DeleteAccountForm:
    form = DeleteAccountForm(**kwargs)
    form.successor.choices = [(str(member.id), member.display_name) for member in successor_candidates(user)]
    return form


@bp.route("/delete", methods=["POST"])
@login_required
@limiter.limit(_password_attempts, methods=["POST"])
def delete_account():
    form = _delete_form(acting_user())
    if form.validate_on_submit():
        try:
            services.delete_account(acting_user(), form.password.data, form.successor.data or None)
        except ValidationError as error:
            add_errors(form, error)
            return _render(error.status, delete_form=form)
        logout_user()
        session.pop("locale", None)
        flash(_("Your account has been deleted."), "success")
        return redirect(url_for("main.index"))
    return redirect(url_for("account.settings"))


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_attempts, methods=["POST"])
def second_factor():
    """Enrol (QR code, then the first code), get new recovery codes, or switch the second factor off."""
    user = acting_user()
    form = CodeForm()
    action = request.form.get("action") if request.method == "POST" else None
    status = 200
    if action in ("enrol", "renew", "off") and form.validate_on_submit():
        try:
            if action == "enrol":
                codes = totp.confirm_enrolment(user, form.code.data, get_remote_address())
            elif action == "renew":
                codes = totp.renew_recovery_codes(user, form.code.data, get_remote_address())
            else:
                totp.switch_off(user, form.code.data, get_remote_address())
                flash(_("The second factor is switched off."), "success")
                return redirect(url_for("account.second_factor"))
        except ServiceError as error:
            add_errors(form, error)
            status = error.status
        else:
            return render_template("auth/recovery_codes.html", codes=codes,
                                   continue_url=url_for("account.second_factor"))
    elif request.method == "POST":
        status = 400
    qr = None
    if not user.has_second_factor:
        totp.begin_enrolment(user, fresh=request.method == "GET")
        qr = totp.qr_svg(user)
    return render_template("account/second_factor.html", form=form, qr=qr, secret=user.totp_secret,
                           required=totp.required_for(user),
                           remaining=totp.remaining_recovery_codes(user)), status
