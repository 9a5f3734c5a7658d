"""An event's times as its readers see them: stored in UTC, shown in the event's zone and the reader's language."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale


def local(value: datetime | None, zone: str) -> datetime | None:
    """A stored (naive UTC) time in the event's zone, aware."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))


def event_time(value, event, style: str = "medium") -> str:
    """A stored UTC time in the event's zone and the reader's language."""
    shown = local(value, event.timezone)
    if shown is None:
        return ""
    return format_datetime(shown, style, tzinfo=shown.tzinfo, locale=str(get_locale() or "de"))
