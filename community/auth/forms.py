"""Forms of login, registration and password reset, and the mapping of service errors onto forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from community.errors import ValidationError
from community.taxonomy import LAENDER, ORG_KINDS, ORG_TYPES


def add_errors(form: FlaskForm, error: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's field errors on the form; errors of fields the form lacks go to the top."""
    for name, message in error.fields.items():
        field = getattr(form, (field_map or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
    if not error.fields:
        form.form_errors.append(error.message)


def _choices(choices, blank) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(choice.slug, choice.label) for choice in choices]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), render_kw={"autocomplete": "username", "required": True})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password", "required": True})
    remember = BooleanField(_l("Stay logged in on this device"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), render_kw={"autocomplete": "name", "required": True, "maxlength": 120})
    email = EmailField(_l("Email address"), render_kw={"autocomplete": "email", "required": True})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "new-password", "required": True})
    password_confirmation = PasswordField(_l("Repeat the password"),
                                          render_kw={"autocomplete": "new-password", "required": True})
    organisation_name = StringField(_l("Name of your organisation"),
                                    render_kw={"autocomplete": "organization", "maxlength": 200})
    organisation_kind = SelectField(_l("Kind of organisation"), validate_choice=False)
    organisation_type = SelectField(_l("Type"), validate_choice=False)
    organisation_land = SelectField(_l("State (Bundesland)"), validate_choice=False)
    organisation_key = StringField(_l("Official key (AGS or ARS), if it has one"),
                                   render_kw={"maxlength": 12, "inputmode": "numeric"})
    organisation_postcode = StringField(_l("Postcode"), render_kw={"maxlength": 5, "inputmode": "numeric",
                                                                   "autocomplete": "postal-code"})
    different_organisation = BooleanField(_l("It is a different organisation"))
    distinct_reason = TextAreaField(_l("Why is it a different organisation?"),
                                    render_kw={"rows": 3, "maxlength": 1000})
    invite = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_kind.choices = _choices(ORG_KINDS, _l("Please choose"))
        # Grouped by kind, so the list explains itself without script; the service checks the pair.
        self.organisation_type.choices = [SelectChoice("", _l("Please choose"))] + [
            SelectChoice(choice.slug, choice.label, render_kw={"data-kind": kind.slug}, optgroup=str(kind.label))
            for kind in ORG_KINDS for choice in ORG_TYPES[kind.slug]
        ]
        # static/js/register.js offers only the types of the chosen kind.
        self.organisation_type.render_kw = {"data-types-of": self.organisation_kind.id}
        self.organisation_land.choices = _choices(LAENDER, _l("None (federal or nationwide)"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), render_kw={"autocomplete": "email", "required": True})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password", "required": True})
    password_confirmation = PasswordField(_l("Repeat the new password"),
                                          render_kw={"autocomplete": "new-password", "required": True})


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), render_kw={"autocomplete": "one-time-code", "required": True,
                                              "maxlength": 40, "autocapitalize": "none", "spellcheck": "false"})


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token: confirm the address, send a new link."""
