"""First-contact deadlines: the program's target in hours (P2P practice: 24–48 h), counted
either around the clock or in business hours (weekdays, the program's opening hours, in the
site's time zone)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

# Within this many hours of the deadline a referral shows as "due soon".
DUE_SOON_HOURS = 12


@dataclass(frozen=True)
class BusinessHours:
    start: time
    end: time
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday .. Friday

    def open_on(self, day: datetime) -> bool:
        return day.weekday() in self.weekdays and self.end > self.start


def due_at(received: datetime, hours: int, business: BusinessHours | None = None) -> datetime:
    """When first contact is due for a referral received at `received`."""
    if business is None:
        return received + timedelta(hours=hours)
    if not any(d in business.weekdays for d in range(7)) or business.end <= business.start:
        return received + timedelta(hours=hours)
    local = timezone.localtime(received)
    remaining = timedelta(hours=hours)
    cursor = local
    tz = local.tzinfo
    # Walk the calendar a day at a time, spending the remaining hours inside opening hours.
    for _ in range(366 * 2):
        day = cursor.date()
        opens = datetime.combine(day, business.start, tzinfo=tz)
        closes = datetime.combine(day, business.end, tzinfo=tz)
        if business.open_on(cursor) and cursor < closes:
            begin = max(cursor, opens)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
    return received + timedelta(hours=hours)  # pragma: no cover - unreachable with sane hours


def urgency_of(due: datetime | None, first_contact: datetime | None, now: datetime) -> str:
    """ "overdue", "due-soon", "on-time" or "contacted" (the queue's badge, with a word too)."""
    if first_contact is not None:
        return "contacted"
    if due is None:
        return "on-time"
    if due <= now:
        return "overdue"
    if due - now <= timedelta(hours=DUE_SOON_HOURS):
        return "due-soon"
    return "on-time"
