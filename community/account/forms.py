"""Forms of the account settings page; field names are unique across them, as they share one page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "required": True, "maxlength": 120})
    job_title = StringField(_l("Job title"), render_kw={"autocomplete": "organization-title", "maxlength": 120})
    phone = StringField(_l("Phone"), render_kw={"autocomplete": "tel", "type": "tel", "maxlength": 40})
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validate_choice=False)


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     render_kw={"autocomplete": "current-password", "required": True})
    new_password = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password", "required": True})
    new_password_confirmation = PasswordField(_l("Repeat the new password"),
                                              render_kw={"autocomplete": "new-password", "required": True})


class TokenForm(FlaskForm):
    token_name = StringField(_l("Name of the token"), render_kw={"maxlength": 80})


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), render_kw={"autocomplete": "current-password", "required": True})
    # Only for the last admin of an organisation; the choices are its other members (set by the view).
    successor = SelectField(_l("Who takes over as administrator of your organisation?"), choices=[],
                            validate_choice=False)
