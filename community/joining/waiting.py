"""Why a page made for an organisation's members is not open yet to this account, and what opens it (#24):
the join request still waits for its deciders, no organisation has been asked yet, or the e-mail address is
not confirmed. Pages such as the Digital-Check and the consultation form show this instead of a bare refusal."""
from flask import render_template

from community.joining.services import pending_request_of


def not_yet_page(user, feature, confirm_first: bool = False):
    """The explaining page (status 403), or None when none of these reasons applies and the page's own
    refusal (e.g. "only for public bodies") is the right answer. `feature` names the page, translated;
    `confirm_first`: the page needs a confirmed address, and confirming it would open it."""
    if user.organisation_id is None:
        reason = "waiting" if (join_request := pending_request_of(user)) is not None else "no_organisation"
    elif confirm_first and not user.email_confirmed:
        reason, join_request = "unconfirmed", None
    else:
        return None
    return render_template("joining/not_yet.html", reason=reason, join_request=join_request, feature=feature), 403
