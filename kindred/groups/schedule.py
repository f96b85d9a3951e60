"""A group's meetings: its RFC 5545 rule expanded by python-dateutil's rrule, overlaid with the
sessions that have details of their own (moved: RECURRENCE-ID; cancelled: EXDATE).

The rule is expanded in the group's local time and then placed in its time zone, so a 6 pm
meeting stays at 6 pm across daylight-saving changes. No date arithmetic is written here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kindred.directory.recurrence import parse_rule, rule_text
from kindred.groups.models import GroupSession, SupportGroup


def clean_rule(text: str, *, first_date: date | None = None) -> str:
    """The rule in its stored form (FREQ=MONTHLY;BYDAY=2TU), or ValidationError naming what
    is wrong (the directory's check of RFC 5545: WEEKLY or MONTHLY, as HSDS schedules are)."""
    values, found = parse_rule(text or "")
    if not found and not values.get("freq"):
        raise ValidationError(_("Say how the group repeats, e.g. FREQ=WEEKLY;BYDAY=TU."))
    if found:
        raise ValidationError("; ".join(p.message for p in found))
    values["dtstart"] = first_date
    return rule_text(values)


def rule_values(group: SupportGroup) -> dict[str, Any]:
    values, _found = parse_rule(group.rrule)
    return values


def _rule(group: SupportGroup) -> rrule:
    start = datetime.combine(group.first_date, group.start_time)
    return rrulestr(group.rrule, dtstart=start)


def zone(group: SupportGroup) -> ZoneInfo:
    return ZoneInfo(group.time_zone)


def rule_starts(group: SupportGroup, start: datetime, end: datetime) -> list[datetime]:
    """The aware starts the rule gives between `start` and `end` (aware), inclusive."""
    tz = zone(group)
    local_start = timezone.localtime(start, tz).replace(tzinfo=None)
    local_end = timezone.localtime(end, tz).replace(tzinfo=None)
    return [d.replace(tzinfo=tz) for d in _rule(group).between(local_start, local_end, inc=True)]


def is_rule_start(group: SupportGroup, when: datetime) -> bool:
    local = timezone.localtime(when, zone(group)).replace(tzinfo=None)
    return local in _rule(group).between(local, local, inc=True)


@dataclass
class Occurrence:
    """One meeting: from the rule alone, or with its session's details."""

    group: SupportGroup
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    session: GroupSession | None = None

    @property
    def local_start(self) -> datetime:
        """The start in the group's own time zone (a page shows the group's clock)."""
        return self.starts_at.astimezone(zone(self.group))

    @property
    def key(self) -> str:
        return occurrence_key(self.recurrence_id)

    @property
    def is_cancelled(self) -> bool:
        return self.session is not None and self.session.is_cancelled

    @property
    def is_moved(self) -> bool:
        return self.session is not None and self.session.is_moved

    @property
    def details(self) -> Any:
        """The practical details: the session's own, or the group's."""
        return self.session or self.group

    def topic_for(self, language: str) -> str:
        return self.session.topic_for(language) if self.session else ""

    @property
    def topic(self) -> str:
        """The session's theme ("Sleep", "IEP meetings") in the page's language."""
        return self.topic_for((get_language() or "en")[:2])


def occurrence_key(when: datetime) -> str:
    """The URL key of a meeting: its rule start in UTC, 20261208T000000Z."""
    return when.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def parse_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
    except (ValueError, TypeError):
        return None


def occurrences(
    groups: Iterable[SupportGroup],
    start: datetime,
    end: datetime,
    *,
    include_cancelled: bool = True,
) -> list[Occurrence]:
    """Every meeting of `groups` starting between `start` and `end`, in time order: the rule's
    starts, replaced by their session when one exists (moved ones where they moved to)."""
    groups = list(groups)
    by_id = {g.pk: g for g in groups}
    sessions = GroupSession.objects.filter(group_id__in=by_id).filter(
        recurrence_id__gte=start - timedelta(days=62), recurrence_id__lte=end + timedelta(days=62)
    )
    overlay: dict[tuple[int, datetime], GroupSession] = {
        (s.group_id, s.recurrence_id): s for s in sessions
    }
    found: list[Occurrence] = []
    for group in groups:
        length = timedelta(minutes=group.duration_minutes)
        for when in rule_starts(group, start, end):
            session = overlay.pop((group.pk, when.astimezone(ZoneInfo("UTC"))), None)
            if session is not None:
                continue_later = not (start <= session.starts_at <= end)
                if continue_later:
                    continue
                found.append(Occurrence(group, when, session.starts_at, session.ends_at, session))
            else:
                found.append(Occurrence(group, when, when, when + length))
    # Sessions moved into the window from a rule start outside it.
    for (group_id, _rid), session in overlay.items():
        if start <= session.starts_at <= end:
            group = by_id[group_id]
            found.append(
                Occurrence(
                    group, session.recurrence_id, session.starts_at, session.ends_at, session
                )
            )
    if not include_cancelled:
        found = [o for o in found if not o.is_cancelled]
    return sorted(found, key=lambda o: (o.starts_at, o.group.pk))


def occurrence_at(group: SupportGroup, recurrence_id: datetime) -> Occurrence | None:
    """The meeting whose rule start is `recurrence_id`, or None if the rule gives none then."""
    session = GroupSession.objects.filter(group=group, recurrence_id=recurrence_id).first()
    if session is not None:
        return Occurrence(group, recurrence_id, session.starts_at, session.ends_at, session)
    if not is_rule_start(group, recurrence_id):
        return None
    tz_start = recurrence_id.astimezone(zone(group))
    return Occurrence(
        group, tz_start, tz_start, tz_start + timedelta(minutes=group.duration_minutes)
    )


def next_occurrences(group: SupportGroup, count: int = 3) -> list[Occurrence]:
    """The next `count` meetings from now that are not cancelled, however far away."""
    now = timezone.now()
    local_now = timezone.localtime(now, zone(group)).replace(tzinfo=None)
    ahead = list(_rule(group).xafter(local_now, count=count + 12))
    if not ahead:
        end = now + timedelta(days=62)
    else:
        end = ahead[-1].replace(tzinfo=zone(group)) + timedelta(days=1)
    return occurrences([group], now, end, include_cancelled=False)[:count]


def session_for(occurrence: Occurrence) -> GroupSession:
    """The stored session of a meeting, created (with the group's details) the first time it
    needs details of its own."""
    if occurrence.session is not None:
        return occurrence.session
    group = occurrence.group
    defaults = {name: getattr(group, name) for name in GroupSession.PRACTICAL_FIELDS}
    defaults.update(starts_at=occurrence.starts_at, ends_at=occurrence.ends_at)
    session, _created = GroupSession.objects.get_or_create(
        group=group, recurrence_id=occurrence.recurrence_id, defaults=defaults
    )
    occurrence.session = session
    return session


DAY_NAMES = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}
ORDINALS = {
    "1": gettext_lazy("first"),
    "2": gettext_lazy("second"),
    "3": gettext_lazy("third"),
    "4": gettext_lazy("fourth"),
    "5": gettext_lazy("fifth"),
    "-1": gettext_lazy("last"),
}


def describe(group: SupportGroup) -> str:
    """The schedule in words, in the active language ("Every month, on the second Tuesday")."""
    values = rule_values(group)
    days = []
    for token in [t for t in str(values.get("byday") or "").split(",") if t]:
        nth, day = token[:-2], token[-2:]
        name = str(DAY_NAMES.get(day, day))
        if nth and nth.lstrip("+") in ORDINALS:
            name = _("the %(nth)s %(day)s") % {"nth": ORDINALS[nth.lstrip("+")], "day": name}
        days.append(name)
    on = ", ".join(days)
    interval = values.get("interval") or 1
    if values.get("freq") == "MONTHLY":
        text = _("Every month") if interval == 1 else _("Every %(n)s months") % {"n": interval}
    else:
        text = _("Every week") if interval == 1 else _("Every %(n)s weeks") % {"n": interval}
    if on:
        text = _("%(every)s, on %(days)s") % {"every": text, "days": on}
    return text
