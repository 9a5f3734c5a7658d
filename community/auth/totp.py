"""The second factor: time-based one-time passwords (RFC 6238, pyotp) and one-time recovery codes.

Every account may enrol from its settings; the platform roles in SECOND_FACTOR_ROLES (admins,
consultants and moderators by default, BSI IT-Grundschutz ORP.4) must, at their next sign-in, before
anything else. A code is accepted once: the time step it belongs to is remembered, so a code seen over
a shoulder cannot be replayed within its window. Wrong codes are counted like wrong passwords, per
account and client (community/auth/throttle.py), so guessing six digits is as slow as guessing a password.
API tokens are not touched: they are issued from a signed-in session and stand on their own.
"""
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l

from community.auth import throttle
from community.auth.models import RecoveryCode, User
from community.auth.services import LoginFailed, LoginThrottled
from community.errors import Conflict, ValidationError
from community.extensions import db
from community.models_base import utcnow
from community.i18n import lazy_plain

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are typed from paper
RECOVERY_LENGTH = 16  # 31**16: about 79 bits, so SHA-256 without salt or stretching is enough
STEP_SECONDS = 30
CODE_MAX = 40  # a longer input is refused before any work


def required_for(user: User) -> bool:
    """Whether this account's role needs a second factor to sign in."""
    return user.role in current_app.config["SECOND_FACTOR_ROLES"]


def _issuer() -> str:
    return current_app.config["PLATFORM_NAME"]


def begin_enrolment(user: User, fresh: bool = True) -> str:
    """A secret for an account without a second factor. A new one each time the page is shown (`fresh`),
    so a secret somebody else saw (with the password, at an abandoned set-up) is never the one confirmed;
    kept while the person types the code (a form shown again after a wrong code)."""
    if user.has_second_factor:
        raise Conflict(_l("A second factor is already set up for this account."))
    if fresh or not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=_issuer())


def qr_svg(user: User) -> str:
    """The enrolment QR code as inline SVG, made here: the secret never goes to another host."""
    return segno.make(provisioning_uri(user), error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=str(_l("QR code for the authenticator app")))


def _clean(code) -> str:
    if not isinstance(code, str):
        return ""
    return "".join(code.split()).replace("-", "").lower()[:CODE_MAX]


def _matching_step(user: User, code: str) -> int | None:
    """The time step (this one or a neighbour, for clock drift) whose code this is, if not used before."""
    if not (len(code) == 6 and code.isdigit() and user.totp_secret):
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time()) // STEP_SECONDS
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if user.totp_last_step is None or step > user.totp_last_step else None
    return None


def _unused_recovery_code(user: User, code: str) -> RecoveryCode | None:
    if len(code) != RECOVERY_LENGTH:
        return None
    return db.session.scalar(db.select(RecoveryCode).filter_by(
        user_id=user.id, code_hash=RecoveryCode.hash(code), used_at=None))


def _throttle_key(user: User) -> str:
    return f"second-factor:{user.id}"


def verify(user: User, code, client: str = "", recovery: bool = True) -> None:
    """Accept a current TOTP code (or, with `recovery`, an unused recovery code, then spent) or raise
    LoginFailed; too many wrong codes from this client raise LoginThrottled, as wrong passwords do."""
    code = _clean(code)
    key = _throttle_key(user)
    if throttle.is_slowed(key, client):
        raise LoginThrottled(lazy_plain("Too many wrong codes from here. Please wait %(minutes)s minutes and try again.",
                                minutes=current_app.config["LOGIN_LOCK_MINUTES"]))
    step = _matching_step(user, code)
    spent = None if step is not None or not recovery else _unused_recovery_code(user, code)
    if step is None and spent is None:
        throttle.count_failure(key, client)
        raise LoginFailed(_l("The code is wrong or was used already."))
    throttle.forget(key, client)
    if step is not None:
        user.totp_last_step = step
    else:
        spent.used_at = utcnow()
    db.session.commit()


def _new_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    user.recovery_codes.extend(RecoveryCode(code_hash=RecoveryCode.hash(code)) for code in codes)
    return [format_code(code) for code in codes]


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def confirm_enrolment(user: User, code, client: str = "") -> list[str]:
    """The first code from the app puts the second factor in force; returns the recovery codes (shown once)."""
    if user.has_second_factor or not user.totp_secret:
        raise Conflict(_l("There is no set-up under way for this account."))
    try:
        verify(user, code, client, recovery=False)
    except LoginThrottled:
        raise
    except LoginFailed as error:
        raise ValidationError(_l("Please correct the marked fields."), fields={"code": error.message}) from None
    user.totp_confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


def renew_recovery_codes(user: User, code, client: str = "") -> list[str]:
    """New recovery codes for the old ones, after a current code proves the device is at hand."""
    _check_code(user, code, client)
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


def switch_off(user: User, code, client: str = "") -> None:
    """The account owner turns the second factor off; not for roles that require it."""
    if required_for(user):
        raise Conflict(_l("Your role requires a second factor; it cannot be switched off."))
    _check_code(user, code, client)
    clear(user)
    db.session.commit()


def _check_code(user: User, code, client: str) -> None:
    if not user.has_second_factor:
        raise Conflict(_l("No second factor is set up for this account."))
    try:
        verify(user, code, client)
    except LoginThrottled:
        raise
    except LoginFailed as error:
        raise ValidationError(_l("Please correct the marked fields."), fields={"code": error.message}) from None


def clear(user: User) -> None:
    """Remove the second factor and its recovery codes (the caller commits)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)
