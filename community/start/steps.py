"""The next steps of a new organisation, shown on the start page until each is done.

Each feature registers the step it owns and how to tell from its own data that the step is done, so
the start page imports none of them:

    register_step("digitalcheck", _l("Take the Digital-Check"), lambda user: url_for("digitalcheck.index"),
                  has_assessment, audience=PUBLIC_BODY, order=20)

The audience says whose list the step is on: public bodies get their next steps, companies a profile
checklist.
"""
from collections.abc import Callable
from dataclasses import dataclass

from community.taxonomy import COMPANY, PUBLIC_BODY_KINDS

PUBLIC_BODY, VENDOR = "public_body", "vendor"


@dataclass(frozen=True)
class Step:
    name: str
    label: object  # a lazy translation
    url: Callable[[object], str]
    done: Callable[[object], bool]
    audience: str
    order: int
    applies: Callable[[object], bool] | None = None  # a step only some of the audience can take


STEPS: dict[str, Step] = {}


def register_step(name: str, label, url: Callable[[object], str], done: Callable[[object], bool],
                  audience: str = PUBLIC_BODY, order: int = 100, applies: Callable[[object], bool] | None = None) -> None:
    STEPS[name] = Step(name, label, url, done, audience, order, applies)


def audience_of(user) -> str | None:
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        return None
    if organisation.kind in PUBLIC_BODY_KINDS:
        return PUBLIC_BODY
    return VENDOR if organisation.kind == COMPANY else None


def steps_for(user, audience: str) -> list[dict] | None:
    """The user's steps in order with whether each is done; None once all are (the panel goes away)."""
    if audience_of(user) != audience:
        return None
    steps = [{"step": step, "done": bool(step.done(user)), "url": step.url(user)}
             for step in sorted(STEPS.values(), key=lambda step: (step.order, step.name))
             if step.audience == audience and (step.applies is None or step.applies(user))]
    if all(item["done"] for item in steps):
        return None
    return steps
