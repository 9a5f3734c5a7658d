"""Forms for needs and offers; profiles.services validates what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from community.organisations.forms import MultiCheckboxField, choices
from community.profiles import catalogue
from community.profiles.services import BODY_MAX, TITLE_MAX
from community.taxonomy import ENTRY_VISIBILITIES, OFFER_KINDS, TOPICS, URGENCIES


# The OZG catalogue as options grouped by topic area (557 services in 14 groups).
OZG_CHOICES = [
    SelectChoice(str(service.id), service.name, optgroup=themenfeld)
    for themenfeld, services in catalogue.grouped_by_themenfeld().items()
    for service in services
]


class EntryForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    body = TextAreaField(_l("Description"), render_kw={"rows": 8, "maxlength": BODY_MAX})
    topics = MultiCheckboxField(_l("Topics"), choices=choices(TOPICS), validate_choice=False)
    # Enhanced by static/js/profiles.js with a filter box; a plain multi-select without JavaScript.
    ozg_ids = SelectMultipleField(
        _l("OZG services"), choices=OZG_CHOICES, validate_choice=False,
        render_kw={
            "size": 10, "data-ozg-picker": "", "data-filter-label": _l("Filter services"),
            "data-chosen-label": _l("Chosen services"), "data-remove-label": _l("Remove %(name)s"),
        },
    )
    visibility = SelectField(_l("Visible to"), choices=choices(ENTRY_VISIBILITIES), validate_choice=False)


class NeedForm(EntryForm):
    urgency = SelectField(_l("Urgency"), choices=choices(URGENCIES), default="medium", validate_choice=False)


class OfferForm(EntryForm):
    offer_kind = SelectField(_l("Kind of offer"), choices=choices(OFFER_KINDS), default="service",
                             validate_choice=False)


FORMS = {"need": NeedForm, "offer": OfferForm}
