"""The form that proposes a cooperation: the neighbours to ask and a message; the service validates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField

from community.i18n import lazy_plain
from community.organisations.forms import MultiCheckboxField
from community.suggestions.contacts import MESSAGE_MAX


class ProposalForm(FlaskForm):
    partner_need_ids = MultiCheckboxField(_l("Neighbours to ask"), coerce=int, validate_choice=False)
    message = TextAreaField(
        _l("Message"), render_kw={"rows": 5, "maxlength": MESSAGE_MAX},
        description=lazy_plain("What you would like to do together, e.g. a shared post or a joint procurement "
                               "(at most %(n)s characters).", n=MESSAGE_MAX),
    )
    forward_to_centre = BooleanField(_l("Ask the competence centre to pass it on to those without members"))
