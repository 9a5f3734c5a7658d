"""Forms of moderation; moderation.services validates what they collect."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from community.moderation.models import REPORT_REASONS, SANCTION_KINDS


def reason_choices():
    labels = {"spam": _l("Spam"), "off_topic": _l("Off topic"), "insult": _l("Insult"),
              "illegal": _l("Illegal content"), "other": _l("Other")}
    return [SelectChoice(reason, labels[reason]) for reason in REPORT_REASONS]


SANCTION_LABELS = {"warn": _l("Warning"), "mute": _l("Mute (no posting)"), "suspend": _l("Suspension"),
                   "ban": _l("Ban")}


class ReportForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=reason_choices())
    text = TextAreaField(_l("What is wrong? (optional)"), render_kw={"rows": 3, "maxlength": 2000})


class ActionForm(FlaskForm):
    action = HiddenField()
    item_type = HiddenField()
    item_id = HiddenField()
    reason = StringField(_l("Reason (the author is told)"), render_kw={"maxlength": 2000})
    text = TextAreaField(_l("New text"), render_kw={"rows": 3})
    forum_id = HiddenField()
    seconds = IntegerField(_l("Seconds between posts (0 = off)"), validators=[Optional()])


class AppealForm(FlaskForm):
    text = TextAreaField(_l("Why should this decision be changed?"), render_kw={"rows": 3, "maxlength": 2000})


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=[SelectChoice("upheld", _l("Keep the decision")),
                                                    SelectChoice("reverted", _l("Revert the decision"))])
    reason = StringField(_l("Reason"), render_kw={"maxlength": 2000})


class AssignForm(FlaskForm):
    email = StringField(_l("Email address of the account"), render_kw={"maxlength": 254, "type": "email"})
    forum_id = SelectField(_l("Forum"), choices=[], validate_choice=False)
    room_id = SelectField(_l("or room"), choices=[], validate_choice=False)


class LiftForm(FlaskForm):
    reason = StringField(_l("Reason for lifting (the user is told)"), render_kw={"maxlength": 2000})


class SanctionForm(FlaskForm):
    kind = SelectField(_l("Sanction"), choices=[SelectChoice(kind, SANCTION_LABELS[kind]) for kind in SANCTION_KINDS])
    reason = TextAreaField(_l("Reason (the user is told)"), render_kw={"rows": 3, "maxlength": 2000})
    days = IntegerField(_l("Duration in days (empty for a warning or a ban)"), validators=[Optional()])
