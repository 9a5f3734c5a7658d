"""Accounts and personal API tokens."""
import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from community.extensions import db
from community.models_base import TimestampMixin, utcnow


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(db.String(120), nullable=False)
    password_hash: Mapped[str] = mapped_column(db.String(256), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    # Platform role: member, moderator or admin; organisation admin is a separate flag
    # because a moderator may also administer their own organisation.
    role: Mapped[str] = mapped_column(db.String(20), default="member", nullable=False)
    is_org_admin: Mapped[bool] = mapped_column(default=False, nullable=False)
    job_title: Mapped[str] = mapped_column(db.String(120), default="", nullable=False)
    phone: Mapped[str] = mapped_column(db.String(40), default="", nullable=False)
    locale: Mapped[str | None] = mapped_column(db.String(5))
    # The former account-wide lockout; no longer read or written (login failures are counted per address
    # and client, community/auth/throttle.py). Kept until a migration drops them, since older revisions'
    # data tests still write users through this model.
    failed_logins: Mapped[int] = mapped_column(default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(db.DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    # Bumped on password change and account deletion: every session issued before is void.
    auth_version: Mapped[int] = mapped_column(default=1, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    # Set by an admin (community/useradmin): a blocked account cannot sign in, by password, provider or token.
    blocked_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    # The second factor (community/auth/totp.py): a base32 TOTP secret, in force once confirmed with a code;
    # a secret without confirmation is an enrolment under way. The last accepted time step refuses a replay.
    totp_secret: Mapped[str | None] = mapped_column(db.String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(db.BigInteger)
    # When the e-mail address was confirmed (community/auth/confirmation.py). Only self-registration leaves it
    # empty until the link in the mail is followed; accounts an operator or admin creates, accounts from an
    # invitation to this very address and from a provider that vouches for the address count as confirmed.
    # (Set in __init__, not as a column default: the ORM would put a default in place of an explicit None.)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    organisation = relationship("Organisation", back_populates="members")
    api_tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")
    recovery_codes = relationship("RecoveryCode", back_populates="user", cascade="all, delete-orphan")
    identities = relationship("ExternalIdentity", back_populates="user", cascade="all, delete-orphan")

    def __init__(self, **fields):
        fields.setdefault("email_confirmed_at", utcnow())
        super().__init__(**fields)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt by default

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def display_name(self) -> str:
        """The name to show: a deleted account keeps only a neutral placeholder, shown as such."""
        return str(_l("Deleted account")) if self.deleted_at is not None else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(80), default="", nullable=False)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(db.String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    user = relationship("User", back_populates="api_tokens")

    PREFIX = "kn_"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: "User", name: str = "") -> tuple["ApiToken", str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        record = cls(user=user, name=name, token_hash=cls.hash(token), prefix=token[:10])
        db.session.add(record)
        return record, token


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor; only its SHA-256 is stored (the codes are
    random with 80 bits, so a fast hash is enough), and a used one is marked, never reusable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(db.String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(db.DateTime)

    user = relationship("User", back_populates="recovery_codes")

    @staticmethod
    def hash(code: str) -> str:
        return hashlib.sha256(code.encode()).hexdigest()


class ExternalIdentity(db.Model):
    """An account at an OpenID provider (its issuer and subject) linked to one of ours: later sign-ins
    through that provider find the account by the subject, whatever the e-mail address says then."""

    __table_args__ = (db.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(db.String(40), nullable=False)
    issuer: Mapped[str] = mapped_column(db.String(300), nullable=False)
    subject: Mapped[str] = mapped_column(db.String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    user = relationship("User", back_populates="identities")


class AuditEntry(db.Model):
    """One act of user administration: who (None: the sign-in itself, by a provider's role mapping) did
    what to whom and when. Rows are only ever added; the admins read them at /admin/users/audit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    act: Mapped[str] = mapped_column(db.String(40), nullable=False)
    target_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    detail: Mapped[str] = mapped_column(db.String(200), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False, index=True)

    actor = relationship("User", foreign_keys=[actor_id])
    target = relationship("User", foreign_keys=[target_id])
