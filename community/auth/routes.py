"""Login, logout, registration and password reset pages."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user, user_logged_in

from community.auth import bp, services
from community.auth.forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm, add_errors
from community.errors import ValidationError
from community.extensions import db, limiter
from community.links import safe_next
from community.members.invites import open_invite
from community.organisations.services import existing_matches


def _next_target() -> str | None:
    return safe_next(request.args.get("next") or request.form.get("next"))


@user_logged_in.connect
def _keep_language_choice(_app, user, **_extra) -> None:
    """A language chosen before signing in (or registering) becomes the account's, unless the
    account has one: notifications are translated for their reader by the account's language,
    also when they go out live from another person's request."""
    chosen = session.get("locale")
    if user.locale is None and chosen in current_app.config["LANGUAGES"]:
        user.locale = chosen
        db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_next_target() or url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, get_remote_address())
        except services.LoginFailed as error:
            form.form_errors.append(error.message)
            status = error.status
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(_next_target() or url_for("main.index"))
    return render_template("auth/login.html", form=form, next=_next_target()), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.log_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


def _register_data(form: RegisterForm) -> dict:
    names = ["name", "email", "password", "password_confirmation"]
    if not form.invite.data:
        names += ["organisation_name", "organisation_kind", "organisation_type", "organisation_land",
                  "organisation_key", "organisation_postcode"]
    data = {name: getattr(form, name).data for name in names}
    if not form.invite.data:
        data["distinct_reason"] = form.distinct_reason.data if form.different_organisation.data else ""
    return data


def _join_offers(form: RegisterForm) -> list:
    """The organisations someone registering may mean: the holder of the key, same name and Land, same
    postcode; each is offered to join."""
    if form.invite.data:
        return []
    values = {org_field: (getattr(form, form_field).data or "").strip() or None
              for form_field, org_field in services.ORGANISATION_FIELDS.items()}
    holder, others = existing_matches(values)
    return [holder, *others] if holder else others


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.settings"))
    form = RegisterForm()
    if request.method == "GET":
        form.invite.data = request.args.get("invite", "")
    invite = None
    if form.invite.data:
        invite = open_invite(form.invite.data)
        if request.method == "GET" and invite.email:
            form.email.data = invite.email
    status, matches = 200, []
    if form.validate_on_submit():
        try:
            user = services.register_user(_register_data(form), invite_token=form.invite.data or None)
        except ValidationError as error:
            add_errors(form, error)
            status = error.status
            matches = _join_offers(form)
        else:
            login_user(user)
            flash(_("Welcome to Kommunalnetz, %(name)s.", name=user.name), "success")
            return redirect(url_for("organisations.show", org_id=user.organisation_id))
    return render_template("auth/register.html", form=form, invite=invite, matches=matches,
                           password_min=services.PASSWORD_MIN), status


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET"], methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer either way, so the page does not reveal who has an account.
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."),
              "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET"], methods=["POST"])
def reset_password(token: str):
    services.user_for_reset_token(token)  # an invalid link shows its error page before the form
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, form.password_confirmation.data)
        except ValidationError as error:
            add_errors(form, error)
            status = error.status
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password has been changed. Please log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token,
                           password_min=services.PASSWORD_MIN), status
