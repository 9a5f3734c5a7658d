"""Sign-in through OpenID Connect providers (Keycloak and the like), with Authlib.

The operator lists the providers in OIDC_PROVIDERS (JSON, docs/sign-in.md). Authlib runs the
authorisation-code flow with state, nonce and PKCE (S256) and checks the ID token (signature, issuer,
audience, expiry, nonce); this module decides which account the verified claims belong to:
1. an account already linked to this issuer and subject;
2. else an existing account with the same e-mail address, only when the provider says the address is
   verified (`email_verified` true): an unverified claim could name anybody's address;
3. else a new account without an organisation, which then asks to join one (the join-request flow),
   so a provider's word never makes anyone a member of an organisation.
Roles come from claims only through the provider's `role_map` (claim value -> platform role), which the
operator configures; without one, claims give no role at all. A mapped change is written to the audit log.
"""
import json
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from community.auth import audit
from community.auth.models import ExternalIdentity, User
from community.auth.services import (
    PLATFORM_ROLES,
    LoginFailed,
    find_user_by_email,
    normalise_email,
    refuse_unwelcome,
)
from community.extensions import db
from community.validation import Text

EXTENSION = "oidc_providers"
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
DEFAULT_SCOPE = "openid email profile"


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    metadata_url: str
    client_id: str
    client_secret: str
    scope: str = DEFAULT_SCOPE
    role_claim: str = ""
    role_map: dict = field(default_factory=dict)


class ProviderRefused(LoginFailed):
    status = 403
    code = "provider_refused"


def parse_providers(raw) -> dict[str, Provider]:
    """The providers of the setting, by name; a mistake stops the start with a message naming it."""
    if not raw:
        return {}
    entries = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(entries, list):
        raise ValueError("OIDC_PROVIDERS must be a JSON list of providers")
    providers = {}
    for entry in entries:
        name = str(entry.get("name", "")).lower()
        if not name or not set(name) <= NAME_CHARS or len(name) > 40 or name in providers:
            raise ValueError(f"OIDC_PROVIDERS: invalid or repeated name {name!r} (a-z, 0-9, - and _)")
        metadata_url = entry.get("discovery_url") or entry.get("server_metadata_url")
        if not metadata_url and entry.get("issuer"):
            metadata_url = entry["issuer"].rstrip("/") + "/.well-known/openid-configuration"
        if not metadata_url or not entry.get("client_id"):
            raise ValueError(f"OIDC_PROVIDERS[{name}]: discovery_url (or issuer) and client_id are required")
        role_map = entry.get("role_map") or {}
        unknown = {role for role in role_map.values() if role not in PLATFORM_ROLES}
        if unknown or (role_map and not entry.get("role_claim")):
            raise ValueError(f"OIDC_PROVIDERS[{name}]: role_map needs role_claim and roles among {PLATFORM_ROLES}")
        providers[name] = Provider(
            name=name, label=entry.get("label") or name, metadata_url=metadata_url,
            client_id=entry["client_id"], client_secret=entry.get("client_secret", ""),
            scope=entry.get("scope") or DEFAULT_SCOPE, role_claim=entry.get("role_claim", ""),
            role_map={str(value): role for value, role in role_map.items()},
        )
    return providers


def init_app(app) -> None:
    """Read the providers once at start (a broken setting refuses to start) and register them with Authlib."""
    from authlib.integrations.flask_client import OAuth

    providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(
            provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": provider.scope, "code_challenge_method": "S256"},
        )
    app.extensions[EXTENSION] = (providers, oauth)


def providers() -> list[Provider]:
    return list(current_app.extensions[EXTENSION][0].values())


def provider(name: str) -> Provider | None:
    return current_app.extensions[EXTENSION][0].get(name)


def client(name: str):
    return current_app.extensions[EXTENSION][1].create_client(name)


def _verified(claims: dict) -> bool:
    # Keycloak and most providers send a JSON boolean; some send the string.
    return claims.get("email_verified") in (True, "true")


def mapped_role(provider: Provider, claims: dict) -> str | None:
    """The highest platform role the operator's mapping gives for the claim's values, or None."""
    if not provider.role_map:
        return None
    values = claims.get(provider.role_claim)
    values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
    roles = {provider.role_map[value] for value in values if isinstance(value, str) and value in provider.role_map}
    return max(roles, key=PLATFORM_ROLES.index) if roles else None


def _apply_role_mapping(provider: Provider, user: User, claims: dict) -> None:
    role = mapped_role(provider, claims)
    if role is not None and role != user.role:
        audit.record(None, audit.ROLE_FROM_PROVIDER, user, f"{provider.name}: {user.role} -> {role}")
        user.role = role


def _display_name(claims: dict, email: str) -> str:
    for candidate in (claims.get("name"), " ".join(str(claims.get(part) or "") for part in
                                                  ("given_name", "family_name")), email.partition("@")[0]):
        try:
            name = Text(120).clean(candidate if isinstance(candidate, str) else "")
        except ValueError:
            continue
        if len(name) >= 2:
            return name
    return email[:120]


def sign_in(provider: Provider, claims: dict) -> tuple[User, bool]:
    """The account these verified ID-token (and userinfo) claims belong to, and whether it is new."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not subject:
        raise ProviderRefused(_l("The sign-in service sent no usable identity."))
    identity = db.session.scalar(db.select(ExternalIdentity).filter_by(issuer=issuer, subject=subject))
    created = False
    if identity is not None:
        user = identity.user
    else:
        email = normalise_email(claims.get("email"))[:254]
        if not email or not _verified(claims):
            raise ProviderRefused(_l("The sign-in service has not confirmed your e-mail address, so it cannot "
                                     "be linked to an account here. Please sign in with your password."))
        user = find_user_by_email(email)
        if user is None:
            user = User(email=email, name=_display_name(claims, email), password_hash="", role="member")
            db.session.add(user)
            created = True
        user.identities.append(ExternalIdentity(provider=provider.name, issuer=issuer, subject=subject))
        db.session.flush()
    if not user.is_active:
        db.session.rollback()
        raise ProviderRefused(_l("This account has been deleted."))
    try:
        refuse_unwelcome(user)
    except LoginFailed:
        db.session.rollback()
        raise
    _apply_role_mapping(provider, user, claims)
    db.session.commit()
    return user, created
