"""What cooperation proposals plug into: the room a contact request's acceptance opens, the need page's
"Neighbours with the same need" and the Lagebild's potentials per Kreis (both by template globals the
pages ask for only when defined)."""
from flask_login import current_user

from community import policy
from community.cooperation import bp, services
from community.suggestions.contacts import ROOM_CHOOSERS

if services.room_for_acceptance not in ROOM_CHOOSERS:
    ROOM_CHOOSERS.append(services.room_for_acceptance)


@bp.app_template_global()
def cooperation_neighbours(need):
    """The neighbours of a need for its own municipality's members; None for everyone else."""
    return services.need_neighbours(current_user, need)


@bp.app_template_global()
def cooperation_potentials():
    """The potentials per Kreis for the Lagebild ({"rows": None} while first computed); None for those who may
    not see them."""
    if not policy.can(current_user, "cooperation.potentials"):
        return None
    return {"rows": services.potentials(current_user)}
