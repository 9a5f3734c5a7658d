"""Forms of the suggestions and contacts pages; the services validate what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField

from community.organisations.forms import choices
from community.suggestions.contacts import MESSAGE_MAX
from community.taxonomy import LAENDER, ORG_KINDS, POPULATION_CLASSES, TOPICS


class SuggestionFilterForm(FlaskForm):
    """GET filters; no CSRF token, because filtering changes nothing."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=choices(ORG_KINDS, _l("All kinds")), validate_choice=False)
    land = SelectField(_l("Federal state"), choices=choices(LAENDER, _l("All federal states")),
                       validate_choice=False)
    topic = SelectField(_l("Topic"), choices=choices(TOPICS, _l("All topics")), validate_choice=False)
    population_class = SelectField(_l("Population"), choices=choices(POPULATION_CLASSES, _l("Any size")),
                                   validate_choice=False)


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
        description=_l("Say who you are and why you would like to talk (at most %(n)s characters).", n=MESSAGE_MAX),
    )


class DecisionForm(FlaskForm):
    """Accept, decline or withdraw: nothing but the CSRF token."""
