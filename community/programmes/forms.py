"""The programme form's values from a submitted form (the service validates them, as for the API)."""
from community.programmes.services import FIELDS

LIST_FIELDS = ("eligible_org_types", "topics")


def form_values(form) -> dict:
    values = {name: form.getlist(name) if name in LIST_FIELDS else form.get(name, "") for name in FIELDS}
    values["rolling"] = "rolling" in form
    return values


def programme_values(programme) -> dict:
    """A stored programme as the form shows it."""
    values = {name: getattr(programme, name) for name in FIELDS}
    for name in ("deadline", "stand"):
        values[name] = values[name].isoformat() if values[name] else ""
    for name in ("rate_percent", "max_amount_eur"):
        number = values[name]
        values[name] = "" if number is None else (f"{number:g}" if number != int(number) else str(int(number)))
    return values
