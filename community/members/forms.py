"""Forms of the member management page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address of the colleague (optional)"), render_kw={"autocomplete": "off"})
