"""Forms of the forums; forums.services validates what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from community.forums.services import BODY_MAX, TITLE_MAX


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    body = TextAreaField(_l("Your post (Markdown)"), render_kw={"rows": 8, "maxlength": BODY_MAX, "required": True})


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply (Markdown)"), render_kw={"rows": 6, "maxlength": BODY_MAX, "required": True})


class ForumForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX, "required": True})
    description = TextAreaField(_l("Description"), render_kw={"rows": 3})


class InviteForm(FlaskForm):
    organisation_id = HiddenField()


class ActionForm(FlaskForm):
    """A button that posts; the CSRF token is all it carries."""
