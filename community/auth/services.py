"""Accounts: registration, authentication with lockout, password changes and resets, API tokens."""
from community.auth.models import ApiToken, User
from community.extensions import db


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login loader: the id carries the auth version, so old sessions die on password change."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.auth_version != int(version):
        return None
    return user


def user_for_api_token(token: str) -> User | None:
    if not token:
        return None
    record = db.session.execute(
        db.select(ApiToken).filter_by(token_hash=ApiToken.hash(token))
    ).scalar_one_or_none()
    if record is None or not record.user.is_active:
        return None
    return record.user
