"""The settings form: one choice of frequency per category."""
from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import SelectField

from community.mail.preferences import CATEGORY_LABELS, FREQUENCIES, FREQUENCY_LABELS
from community.notifications.kinds import MAIL_CATEGORIES


def settings_form(current: dict[str, str], formdata=None):
    """A form class per request: the labels are translated in the reader's locale."""
    choices = [(frequency, gettext(FREQUENCY_LABELS[frequency])) for frequency in FREQUENCIES]
    fields = {category: SelectField(gettext(CATEGORY_LABELS[category]), choices=choices,
                                    default=current[category], validate_choice=True)
              for category in MAIL_CATEGORIES}
    form_class = type("MailSettingsForm", (FlaskForm,), fields)
    # Prefixed names ("mail-matches"): an input named "matches" would shadow the form element's own
    # matches() method in the DOM (scripts such as axe call it).
    return form_class(prefix="mail") if formdata else form_class(formdata=None, prefix="mail")


