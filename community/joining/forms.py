"""Forms of finding one's organisation and of joining it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField


FUNCTION_HELP = _l("For example: IT lead, Hauptamt, Bürgerbüro. The organisation's administrators decide on "
                    "your request with it.")


class JoinForm(FlaskForm):
    """A signed-in person asks to join: what they do there."""

    function = StringField(_l("Your function in this organisation"), render_kw={"required": True, "maxlength": 120})


class JoinRegisterForm(JoinForm):
    """An account for someone joining an organisation that exists: no organisation fields."""

    name = StringField(_l("Your name"), render_kw={"autocomplete": "name", "required": True, "maxlength": 120})
    email = EmailField(_l("Email address"), render_kw={"autocomplete": "email", "required": True})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "new-password", "required": True})
    password_confirmation = PasswordField(_l("Repeat the password"),
                                          render_kw={"autocomplete": "new-password", "required": True})


class ActionForm(FlaskForm):
    """Approve, decline, withdraw, merge or mark distinct: the CSRF token and at most one id."""

    other = HiddenField()
