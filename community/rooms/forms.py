"""The forms of the rooms pages; community/rooms services validate what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from community.organisations.forms import MultiCheckboxField, choices
from community.rooms.messages import BODY_MAX
from community.rooms.services import DESCRIPTION_MAX, TITLE_MAX
from community.taxonomy import TOPICS


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), render_kw={"rows": 3, "maxlength": BODY_MAX, "required": True})


class RoomForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    description = TextAreaField(_l("Description"), render_kw={"rows": 3, "maxlength": DESCRIPTION_MAX})
    topics = MultiCheckboxField(_l("Topics"), choices=choices(TOPICS), validate_choice=False)


class InviteForm(FlaskForm):
    emails = TextAreaField(_l("Email addresses of registered people"),
                           description=_l("One per line or separated by commas."), render_kw={"rows": 2})
    organisation_id = HiddenField()
