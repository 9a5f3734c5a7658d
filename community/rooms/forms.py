"""The message form of a room; rooms.services validates what it collects."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from community.rooms.services import BODY_MAX


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), render_kw={"rows": 3, "maxlength": BODY_MAX, "required": True})
