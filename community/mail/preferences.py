"""Per person and category: how often mail comes (immediately, daily, weekly, never)."""
from flask_babel import lazy_gettext as _l

from community.errors import InvalidInput
from community.extensions import db
from community.i18n import N_, lazy_plain
from community.mail.models import MailPreference
from community.notifications import kinds

IMMEDIATELY, DAILY, WEEKLY, NEVER = "immediately", "daily", "weekly", "never"
FREQUENCIES = (IMMEDIATELY, DAILY, WEEKLY, NEVER)
DIGEST_FREQUENCIES = (DAILY, WEEKLY)
DEFAULTS = {
    kinds.CONTACT_REQUESTS: IMMEDIATELY,
    kinds.MENTIONS: IMMEDIATELY,
    kinds.FORUM_REPLIES: DAILY,
    kinds.MATCHES: DAILY,
    kinds.CONSULTATIONS: IMMEDIATELY,
    kinds.EVENTS: IMMEDIATELY,
    kinds.MODERATION: IMMEDIATELY,
    kinds.PROGRAMMES: NEVER,  # opt-in: reminders of funding deadlines only for those who ask for them
}
# Message ids of the categories and frequencies, translated where shown.
CATEGORY_LABELS = {
    kinds.CONTACT_REQUESTS: N_("Contact requests and their answers"),
    kinds.MENTIONS: N_("Mentions in rooms and forums, room invitations"),
    kinds.FORUM_REPLIES: N_("Replies in watched forum threads"),
    kinds.MATCHES: N_("New matches for your organisation"),
    kinds.CONSULTATIONS: N_("Consultations"),
    kinds.EVENTS: N_("Events and reminders"),
    kinds.MODERATION: N_("Moderation decisions"),
    kinds.PROGRAMMES: N_("Funding programme deadlines matching your open needs"),
}
FREQUENCY_LABELS = {
    IMMEDIATELY: N_("Immediately"),
    DAILY: N_("Daily digest"),
    WEEKLY: N_("Weekly digest"),
    NEVER: N_("Never"),
}


def preferences_of(user_id: int) -> dict[str, str]:
    """Every category with its frequency, defaults filled in."""
    stored = dict(db.session.execute(db.select(MailPreference.category, MailPreference.frequency)
                                     .filter(MailPreference.user_id == user_id)).all())
    return {category: stored.get(category, DEFAULTS[category]) for category in kinds.MAIL_CATEGORIES}


def frequencies_for(user_ids, category: str) -> dict[int, str]:
    """user id -> frequency for one category (defaults for those without a row)."""
    ids = list(user_ids)
    stored = dict(db.session.execute(db.select(MailPreference.user_id, MailPreference.frequency).filter(
        MailPreference.category == category, MailPreference.user_id.in_(ids))).all()) if ids else {}
    return {user_id: stored.get(user_id, DEFAULTS[category]) for user_id in ids}


def validate(data) -> dict[str, str]:
    """{category: frequency} from untrusted input; InvalidInput (400) names every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput(_l("Send an object of categories and frequencies."))
    errors, clean = {}, {}
    for category, frequency in data.items():
        if category not in kinds.MAIL_CATEGORIES:
            errors[str(category)[:50]] = lazy_plain("Unknown category. Known: %(known)s.",
                                            known=", ".join(kinds.MAIL_CATEGORIES))
        elif not isinstance(frequency, str) or frequency not in FREQUENCIES:
            errors[category] = lazy_plain("Choose one of: %(known)s.", known=", ".join(FREQUENCIES))
        else:
            clean[category] = frequency
    if errors:
        raise InvalidInput(_l("Please correct the marked fields."), fields=errors)
    return clean


def update_preferences(user, data) -> dict[str, str]:
    """Set some categories for the acting user (the others keep theirs); returns all of them."""
    _store(user.id, validate(data))
    db.session.commit()
    return preferences_of(user.id)


def _store(user_id: int, choices: dict[str, str]) -> None:
    for category, frequency in choices.items():
        row = db.session.get(MailPreference, (user_id, category))
        if row is None:
            db.session.add(MailPreference(user_id=user_id, category=category, frequency=frequency))
        else:
            row.frequency = frequency


def unsubscribe(user_id: int, scope: str) -> None:
    """One-click unsubscribe: a category to never, or a digest (every category at that frequency)."""
    if scope in DIGEST_FREQUENCIES:
        current = preferences_of(user_id)
        _store(user_id, {category: NEVER for category, frequency in current.items() if frequency == scope})
    else:
        _store(user_id, {scope: NEVER})
    db.session.commit()
