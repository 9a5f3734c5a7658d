"""Registration for events: one per person, capacity, a waitlist in order of arrival.

No overbooking under concurrency, on both databases: every registration and cancellation first
locks the event (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the first statement of the
transaction is a write, which takes the database's write lock), and a place is only taken by the
guarded `UPDATE event SET confirmed_count = confirmed_count + 1 WHERE confirmed_count < capacity`.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from community.errors import Conflict
from community.events.models import CANCELLED, CONFIRMED, WAITLISTED, Event, Registration
from community.extensions import db
from community.i18n import N_
from community.models_base import get_or_not_found
from community.notifications import kinds
from community.notifications.services import notify

EVENT_PROMOTED = "event_promoted"
NOTIFICATION_KINDS = (EVENT_PROMOTED,)
for _kind in NOTIFICATION_KINDS:
    kinds.register_kind(_kind, kinds.EVENTS)


def get_event(event_id) -> Event:
    return get_or_not_found(Event, event_id, _l("No such event."))


def _lock_event(event_id: int) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Event.id).filter(Event.id == event_id).with_for_update())
    else:
        db.session.execute(sa.update(Event).filter(Event.id == event_id)
                           .values(confirmed_count=Event.confirmed_count))


def _take_place(event_id: int) -> bool:
    taken = db.session.execute(
        sa.update(Event).filter(Event.id == event_id, Event.confirmed_count < Event.capacity)
        .values(confirmed_count=Event.confirmed_count + 1))
    return taken.rowcount == 1


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != WAITLISTED:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration).filter(
        Registration.event_id == registration.event_id, Registration.status == WAITLISTED,
        Registration.id <= registration.id))


def register(user, event_id: int) -> Registration:
    """Confirmed while places are left, else waitlisted; Conflict when already registered or cancelled."""
    db.session.rollback()  # start a fresh transaction whose first statement takes the lock
    _lock_event(event_id)
    event = get_event(event_id)
    if event.status == CANCELLED:
        db.session.rollback()
        raise Conflict(_l("This event has been cancelled."))
    if db.session.scalar(sa.select(Registration.id).filter_by(event_id=event_id, user_id=user.id)):
        db.session.rollback()
        raise Conflict(_l("You are already registered for this event."))
    status = CONFIRMED if _take_place(event_id) else WAITLISTED
    registration = Registration(event_id=event_id, user_id=user.id, status=status)
    db.session.add(registration)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You are already registered for this event.")) from None
    return registration


def cancel_registration(user, event_id: int) -> None:
    """Withdraw; a freed place goes at once to the first on the waitlist, who is told."""
    db.session.rollback()
    _lock_event(event_id)
    registration = db.session.scalar(sa.select(Registration).filter_by(event_id=event_id, user_id=user.id))
    if registration is None:
        db.session.rollback()
        get_event(event_id)
        raise Conflict(_l("You are not registered for this event."))
    promoted = None
    if registration.status == CONFIRMED:
        promoted = db.session.scalar(sa.select(Registration).filter_by(event_id=event_id, status=WAITLISTED)
                                     .order_by(Registration.id).limit(1))
        if promoted is None:
            db.session.execute(sa.update(Event).filter(Event.id == event_id)
                               .values(confirmed_count=Event.confirmed_count - 1))
        else:
            promoted.status = CONFIRMED
    db.session.delete(registration)
    db.session.commit()
    if promoted is not None:
        event = get_event(event_id)
        notify([promoted.user_id], EVENT_PROMOTED, N_("A place became free: you are now registered for “%(title)s”"),
               "", title=event.title)
