"""Login (password or OpenID provider, then the second factor), logout, registration and password reset."""
import time

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from requests import RequestException

from community.auth import bp, confirmation, oidc, services, totp
from community.auth.current import acting_user
from community.auth.forms import (ActionForm, CodeForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm,
                                  add_errors)
from community.errors import ServiceError, ValidationError
from community.extensions import db, limiter
from community.links import public_url, safe_next
from community.members.invites import open_invite
from community.organisations.services import existing_matches
from community.signals import sign_in_refused

PENDING = "pending_sign_in"
OIDC_NEXT = "oidc_next"
# Time between the password (or provider) and the second factor before the sign-in starts over.
PENDING_SECONDS = 600


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
            sign_in_refused.send(error.code, method="password")
            form.form_errors.append(error.message)
            status = error.status
        else:
            return _continue_sign_in(user, form.remember.data, _next_target())
    return _login_page(form, status)


def _login_page(form: LoginForm, status: int = 200):
    return render_template("auth/login.html", form=form, next=_next_target(), providers=oidc.providers()), status


def _continue_sign_in(user, remember: bool, target: str | None):
    """The first factor (password or provider) is done; a second one follows where there is or must be one."""
    if user.has_second_factor or totp.required_for(user):
        session[PENDING] = {"user": user.get_id(), "remember": bool(remember), "next": target,
                            "at": int(time.time())}
        return redirect(url_for("auth.second_factor"))
    return _complete_sign_in(user, remember, target)


def _complete_sign_in(user, remember: bool, target: str | None):
    session.pop(PENDING, None)
    login_user(user, remember=remember)
    services.record_sign_in(user)
    flash(_("Welcome back, %(name)s.", name=user.name), "success")
    return redirect(target or url_for("main.index"))


def _pending():
    """The account between the first and the second factor (checked again: blocked or logged out meanwhile?)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None, {}
    user = services.load_user_from_session_id(str(pending.get("user", "")))
    if user is None:
        session.pop(PENDING, None)
    return user, pending


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def second_factor():
    user, pending = _pending()
    if user is None:
        flash(_("Please log in."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if not user.has_second_factor:  # a role that requires it: enrol now, before anything else
        totp.begin_enrolment(user, fresh=request.method == "GET")
        if form.validate_on_submit():
            try:
                codes = totp.confirm_enrolment(user, form.code.data, get_remote_address())
            except ServiceError as error:
                add_errors(form, error, {"code": "code"})
                status = error.status
            else:
                response = _complete_sign_in(user, pending.get("remember", False), pending.get("next"))
                return render_template("auth/recovery_codes.html", codes=codes,
                                       continue_url=response.location)
        return render_template("auth/enrol.html", form=form, qr=totp.qr_svg(user), secret=user.totp_secret,
                               required=True), status
    if form.validate_on_submit():
        try:
            totp.verify(user, form.code.data, get_remote_address())
        except services.LoginFailed as error:
            sign_in_refused.send(error.code, method="second_factor")
            form.code.errors = [*form.code.errors, error.message]
            status = error.status
        else:
            return _complete_sign_in(user, pending.get("remember", False), pending.get("next"))
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/login/oidc/<name>")
def oidc_start(name: str):
    provider = oidc.provider(name)
    if provider is None:
        abort(404)
    session[OIDC_NEXT] = _next_target()
    try:
        # Authlib keeps state, nonce and the PKCE verifier in the session and checks them at the callback.
        return oidc.client(name).authorize_redirect(public_url("auth.oidc_callback", name=name))
    except (RequestException, ValueError):  # the provider's discovery document is unreachable or broken
        current_app.logger.warning("OpenID provider %s unreachable", name, exc_info=True)
        sign_in_refused.send("provider_error", method="oidc")
        form = LoginForm(formdata=None)
        form.form_errors.append(_("%(provider)s cannot be reached at the moment. Please try again later or "
                                  "sign in with your password.", provider=provider.label))
        return _login_page(form, 503)


@bp.route("/login/oidc/<name>/callback")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
def oidc_callback(name: str):
    provider = oidc.provider(name)
    if provider is None:
        abort(404)
    form = LoginForm(formdata=None)
    client = oidc.client(name)
    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(description="no ID token")
        if client.load_server_metadata().get("userinfo_endpoint"):
            # Many providers put e-mail and groups only into the userinfo answer; the ID token's own
            # claims (issuer, subject, nonce) win, and an answer about another subject is ignored.
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") == claims.get("sub"):
                claims = {**extra, **claims}
    except (OAuthError, RequestException, ValueError, KeyError):
        current_app.logger.info("OpenID sign-in through %s failed", name, exc_info=True)
        sign_in_refused.send("provider_error", method="oidc")
        form.form_errors.append(_("The sign-in through %(provider)s did not succeed. Please try again.",
                                  provider=provider.label))
        return _login_page(form, 400)
    try:
        user, created = oidc.sign_in(provider, claims)
    except services.LoginFailed as error:
        sign_in_refused.send(error.code, method="oidc")
        form.form_errors.append(error.message)
        return _login_page(form, error.status)
    target = session.pop(OIDC_NEXT, None)
    if created:
        flash(_("Your account has been created. Now find your organisation and ask to join it."), "info")
        target = url_for("joining.find")
    return _continue_sign_in(user, False, target)


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
            if not user.email_confirmed:
                flash(_("We have sent a link to %(email)s: please confirm your e-mail address with it.",
                        email=user.email), "info")
            return redirect(url_for("main.index"))  # the start page: the next steps, for vendors too (#24)
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


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link from the mail: a page with one button, so a mail scanner opening the link confirms nothing."""
    user = confirmation.user_for_token(token)  # an invalid or expired link shows its error page
    form = ActionForm()
    if form.validate_on_submit():
        confirmation.confirm(token)
        flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(url_for("main.index") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, token=token, email=user.email,
                           confirmed=user.email_confirmed)


@bp.route("/confirm-email", methods=["GET"])
@login_required
def confirmation_pending():
    """What waits for the confirmation, and a new link."""
    return render_template("auth/confirmation_pending.html", form=ActionForm(), user=acting_user(),
                           hours=confirmation.max_age_hours())


@bp.route("/confirm-email/resend", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_CONFIRM_RESEND"])
def resend_confirmation():
    form = ActionForm()
    if form.validate_on_submit():
        user = acting_user()
        confirmation.resend(user)
        flash(_("We have sent a new link to %(email)s. It is valid for %(hours)s hours.",
                email=user.email, hours=confirmation.max_age_hours()), "success")
    return redirect(url_for("auth.confirmation_pending"))
