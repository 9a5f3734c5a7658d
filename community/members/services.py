"""Organisation membership: member lists, invitations, removing members, organisation admins."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from community import policy
from community.i18n import lazy_plain
from community.mail.outbox import queue_account_mail, reader_locale
from community.auth.models import User
from community.auth.services import EMAIL_PATTERN, is_first_member, normalise_email
from community.errors import Conflict, PermissionDenied, ValidationError
from community.extensions import db
from community.links import public_url
from community.models_base import get_or_not_found, utcnow
from community.members.invites import _PROBLEMS, claim_invite, hash_token, invite_status, open_invite
from community.organisations.models import Invite
from community.signals import membership_ended

MAX_OPEN_INVITES = 50


def active_members(org) -> list[User]:
    return list(db.session.execute(
        db.select(User).filter_by(organisation_id=org.id, deleted_at=None)
        .order_by(User.is_org_admin.desc(), User.name, User.id)
    ).scalars())


def list_members(viewer, org) -> list[User]:
    policy.require(viewer, "organisation.view_members", org)
    return active_members(org)


def open_invites(actor, org) -> list[Invite]:
    policy.require(actor, "organisation.manage_members", org)
    return list(db.session.execute(
        db.select(Invite)
        .filter(Invite.organisation_id == org.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None),
                Invite.expires_at > utcnow())
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    ).scalars())


def invite_link(token: str) -> str:
    return public_url("members.invite", token=token)


def create_invite(user, org, email: str = "") -> tuple[Invite, str]:
    """A new invitation link for `org`; the plain token is returned once and only its hash is stored."""
    policy.require(user, "organisation.manage_members", org)
    email = normalise_email(email)
    if email and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        raise ValidationError(_l("Please correct the marked fields."),
                              fields={"email": _l("Enter a valid email address.")})
    if len(open_invites(user, org)) >= MAX_OPEN_INVITES:
        raise Conflict(lazy_plain("There are %(n)s open invitations already; withdraw some first.", n=MAX_OPEN_INVITES))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invite = Invite(
        organisation=org, created_by_id=user.id, token_hash=hash_token(token), email=email, created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["INVITE_MAX_AGE"]),
    )
    db.session.add(invite)
    db.session.commit()
    if email:
        _mail_invite(invite, token, user)
    return invite, token


def _mail_invite(invite: Invite, token: str, inviter) -> None:
    # The invited person's language is unknown: the inviter's.
    locale = reader_locale(inviter.locale)
    with force_locale(locale):
        subject = _("Invitation to %(organisation)s on %(platform)s", organisation=invite.organisation.name,
                    platform=current_app.config["PLATFORM_NAME"])
    queue_account_mail(invite.email, subject, "invite", locale=locale, inviter=inviter.name,
                       organisation=invite.organisation.name, link=invite_link(token),
                       date=invite.expires_at.strftime("%Y-%m-%d"))
    db.session.commit()


def revoke_invite(actor, org, invite_id: int) -> None:
    policy.require(actor, "organisation.manage_members", org)
    invite = get_or_not_found(Invite, invite_id, _l("This invitation does not exist."),
                              hidden=lambda invite: invite.organisation_id != org.id)
    problem = _PROBLEMS.get(invite_status(invite))
    if problem:
        raise Conflict(problem)
    invite.revoked_at = utcnow()
    db.session.commit()


def redeem_invite(token: str, user) -> Invite:
    """Let a signed-in user without an organisation join the organisation of an invitation."""
    invite = open_invite(token)
    if not user.is_active:
        raise PermissionDenied(_l("You are not allowed to do this."))
    if user.organisation_id is not None:
        raise Conflict(_l("You already belong to an organisation. Ask one of its administrators to remove "
                          "you before you join another one."))
    if invite.email and invite.email != normalise_email(user.email):
        raise PermissionDenied(_l("This invitation is for a different email address."))
    user.is_org_admin = is_first_member(invite.organisation)
    user.organisation = invite.organisation
    db.session.flush()
    claim_invite(invite, user)
    db.session.commit()
    return invite


def _member(org, member_id: int) -> User:
    return get_or_not_found(User, member_id, _l("This person is not a member of this organisation."),
                            hidden=lambda member: member.organisation_id != org.id or not member.is_active)


def _other_admins(org, member: User) -> int:
    return db.session.execute(
        db.select(db.func.count(User.id)).filter(
            User.organisation_id == org.id, User.is_org_admin.is_(True), User.deleted_at.is_(None),
            User.id != member.id,
        )
    ).scalar_one()


def _ensure_not_last_admin(org, member: User) -> None:
    if member.is_org_admin and _other_admins(org, member) == 0:
        raise Conflict(lazy_plain("%(name)s is the last administrator of this organisation. Make someone else an "
                          "administrator first.", name=member.name))


def remove_member(actor, org, member_id: int) -> User:
    policy.require(actor, "organisation.manage_members", org)
    member = _member(org, member_id)
    _ensure_not_last_admin(org, member)
    member.organisation_id = None
    member.is_org_admin = False
    db.session.commit()
    membership_ended.send(member, organisation_id=org.id)
    return member


def set_org_admin(actor, org, member_id: int, flag: bool) -> User:
    policy.require(actor, "organisation.manage_members", org)
    member = _member(org, member_id)
    if not flag:
        _ensure_not_last_admin(org, member)
    member.is_org_admin = bool(flag)
    db.session.commit()
    return member


def successor_candidates(leaving: User) -> list[User]:
    """Who may take over when `leaving` is the last admin of their organisation, longest-standing
    first; empty when someone else already administers it (or nobody else is left)."""
    org = leaving.organisation
    if org is None or not leaving.is_org_admin or _other_admins(org, leaving) > 0:
        return []
    return list(db.session.scalars(
        db.select(User)
        .filter(User.organisation_id == org.id, User.deleted_at.is_(None), User.id != leaving.id)
        .order_by(User.created_at, User.id)))


def appoint_successor(leaving: User, successor_id=None) -> User | None:
    """When the last admin of an organisation leaves, the member they name takes over (by default the
    longest-standing other member). Nobody left: None, and the platform's admins decide its join requests.

    Changes the session only; the caller commits together with the departure.
    """
    candidates = successor_candidates(leaving)
    if not candidates:
        return None
    if successor_id in (None, ""):
        successor = candidates[0]
    else:
        successor = next((user for user in candidates if str(user.id) == str(successor_id)), None)
        if successor is None:
            raise ValidationError(_l("Please correct the marked fields."),
                                  fields={"successor": _l("Choose a member of your organisation.")})
    successor.is_org_admin = True
    return successor
