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

    organisation = relationship("Organisation", back_populates="members")
    api_tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

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
