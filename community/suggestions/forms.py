"""Forms of the suggestions and contacts pages; the services validate what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from community.i18n import lazy_plain
from community.organisations.forms import OrganisationFilterForm
from community.suggestions.contacts import MESSAGE_MAX


class SuggestionFilterForm(OrganisationFilterForm):
    """Suggestions are filtered by the facts of the suggested organisation."""


class FeedbackForm(FlaskForm):
    """Dismiss, save or unsave one suggestion: our record and theirs, as record ids."""

    source = HiddenField()
    target = HiddenField()


class ContactForm(FlaskForm):
    to_organisation_id = HiddenField()
    need_id = HiddenField()
    offer_id = HiddenField()
    message = TextAreaField(
        _l("Message"), render_kw={"rows": 5, "maxlength": MESSAGE_MAX, "required": True},
        description=lazy_plain("Say who you are and why you would like to talk (at most %(n)s characters).",
                               n=MESSAGE_MAX),
    )


class DecisionForm(FlaskForm):
    """Accept, decline or withdraw: nothing but the CSRF token."""
