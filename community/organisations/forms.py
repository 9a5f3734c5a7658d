"""Forms of the organisation pages (directory filters, profile editing) and the bridge to services.

Forms only collect and render input: the services validate it with their schemas, and the
routes put the services' field errors back onto the form with `show_service_errors`.
Select fields therefore accept any submitted value (validate_choice=False).
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from community.errors import ValidationError
from community.taxonomy import (
    LAENDER,
    MUNICIPALITY,
    ORG_KINDS,
    ORG_TYPES,
    POPULATION_CLASSES,
    TOPICS,
    VISIBILITIES,
)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; the field() macro renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(options, blank=None) -> list[SelectChoice]:
    """Select options from taxonomy choices, optionally led by an empty "any"/"none" entry."""
    pairs = [SelectChoice(option.slug, option.label) for option in options]
    return [SelectChoice("", blank), *pairs] if blank is not None else pairs


def form_values(form) -> dict:
    """The submitted values as the plain dict a service validates, without the CSRF token."""
    return {field.name: field.data for field in form if field.name != "csrf_token"}


def show_service_errors(form, error: ValidationError) -> list:
    """Attach a service's field errors to the form's fields.

    Returns the messages to show above the form: the summary and any no field can show.
    Messages become plain strings here because a lazy string counts as safe HTML in Jinja,
    and messages such as "Unknown value: %(value)s." quote the user's input.
    """
    alerts = [str(error.message)]
    for name, message in error.fields.items():
        if name in form and name != "csrf_token" and form[name].type != "HiddenField":  # hidden: shows no error
            form[name].errors = [*form[name].errors, str(message)]
        else:
            alerts.append(str(message))
    return alerts


class OrganisationFilterForm(FlaskForm):
    """GET filters on organisation facts; no CSRF token, because filtering changes nothing."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=choices(ORG_KINDS, _l("All kinds")), validate_choice=False)
    land = SelectField(_l("Federal state"), choices=choices(LAENDER, _l("All federal states")),
                       validate_choice=False)
    topic = SelectField(_l("Topic"), choices=choices(TOPICS, _l("All topics")), validate_choice=False)
    population_class = SelectField(_l("Population"), choices=choices(POPULATION_CLASSES, _l("Any size")),
                                   validate_choice=False)


class DirectoryFilterForm(OrganisationFilterForm):
    """The directory's filters: the organisation facts plus name and verification."""

    q = StringField(_l("Name"), render_kw={"type": "search", "maxlength": 100})
    verified = SelectField(
        _l("Verification"),
        choices=[SelectChoice("", _l("Any")), SelectChoice("1", _l("Verified only")),
                 SelectChoice("0", _l("Not verified"))],
        validate_choice=False,
    )


class ProfileForm(FlaskForm):
    """Every field of organisations.services.PROFILE_SCHEMA; the choices depend on the kind."""

    name = StringField(_l("Name"), render_kw={"maxlength": 200, "required": True})
    org_type = SelectField(_l("Type"), validate_choice=False)
    official_key = StringField(_l("Official key (AGS/ARS)"), render_kw={"maxlength": 12, "inputmode": "numeric"})
    land = SelectField(_l("Federal state"), choices=choices(LAENDER, _l("None")), validate_choice=False)
    postcode = StringField(_l("Postcode"), render_kw={"maxlength": 5, "inputmode": "numeric",
                                                      "autocomplete": "postal-code"})
    population_class = SelectField(_l("Population"), choices=choices(POPULATION_CLASSES, _l("Not stated")),
                                   validate_choice=False)
    description = TextAreaField(_l("Description"), render_kw={"rows": 8, "maxlength": 10_000})
    description_visibility = SelectField(_l("Description visible to"), choices=choices(VISIBILITIES),
                                         validate_choice=False)
    website = StringField(_l("Website"), render_kw={"type": "url", "maxlength": 300})
    contact_email = StringField(_l("Contact email"), render_kw={"type": "email", "maxlength": 254})
    contact_visibility = SelectField(_l("Contact email visible to"), choices=choices(VISIBILITIES),
                                     validate_choice=False)
    topics = MultiCheckboxField(_l("Topics"), choices=choices(TOPICS), validate_choice=False)

    def __init__(self, kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_type.choices = choices(ORG_TYPES.get(kind, ()), _l("Not stated"))
        if kind != MUNICIPALITY:
            # Only municipalities have a population class; the service rejects it for the others.
            del self.population_class
