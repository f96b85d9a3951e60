"""Home-page cards: for coordinators the next sessions and waitlists; for mentors the groups
they lead."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.groups.models import GroupSession, Registration, SupportGroup
from kindred.groups.schedule import occurrence_key, occurrences
from kindred.lib import summary
from kindred.lib.urls import url_for
from kindred.programs.access import current_program, has_any_capability
from kindred.programs.permissions import Cap

SHOWN = 5


def _session_items(sessions: list[Any], now: Any) -> list[dict[str, Any]]:
    """Each session as (group name, group id, occurrence key, start) for the card."""
    return _entries(
        [
            (o.group.name, o.group.pk, occurrence_key(o.recurrence_id), o.starts_at.timestamp())
            for o in sessions
        ],
        now,
    )


def _entries(rows: list[Any], now: Any) -> list[dict[str, Any]]:
    today = timezone.localdate(now)
    items = []
    for name, group_id, key, starts_timestamp in rows:
        starts = timezone.localtime(datetime.fromtimestamp(starts_timestamp, tz=UTC))
        when = (
            _("Today %(time)s") % {"time": f"{starts:%H:%M}"}
            if starts.date() == today
            else f"{starts:%d/%m %H:%M}"
        )
        items.append({"label": name, "url": url_for("groups:session", group_id, key), "note": when})
    return items


def _week(program_id: int) -> dict[str, Any]:
    """The coordinator's card, kept as a home summary (kindred.lib.summary): the published
    groups' next seven days and their waitlists (group names, no person)."""
    now = timezone.now()
    groups = list(
        SupportGroup.objects.filter(program_id=program_id, status="published").annotate(
            waiting=Count("registrations", filter=Q(registrations__status="waitlisted"))
        )
    )
    week = occurrences(groups, now, now + timedelta(days=7), include_cancelled=False)
    return {
        "sessions": len(week),
        "waiting": sum(getattr(g, "waiting", 0) for g in groups),  # the Count annotation
        "entries": [
            (o.group.name, o.group.pk, occurrence_key(o.recurrence_id), o.starts_at.timestamp())
            for o in week[:SHOWN]
        ],
    }


summary.register(
    "groups_week",
    _week,
    watch=[
        (SupportGroup, lambda group: group.program_id),
        (GroupSession, lambda session: session.group.program_id),
        (Registration, lambda registration: registration.group.program_id),
    ],
)


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    user = request.user
    now = timezone.now()
    if has_any_capability(user, Cap.GROUPS_MANAGE):
        program = current_program(request, Cap.GROUPS_MANAGE)
        # Today's and this week's sessions (the next seven days).
        week = summary.get("groups_week", [program.pk])[program.pk]
        waiting = week["waiting"]
        cards.append(
            {
                "title": _("Group sessions this week"),
                "priority": 30,
                "count": week["sessions"],
                "text": _("%(w)s families on waitlists.") % {"w": waiting}
                if week["sessions"]
                else _("No session in the next seven days; %(w)s families on waitlists.")
                % {"w": waiting},
                "entries": _entries(week["entries"], now),
                "action": {"label": _("All groups"), "url": url_for("groups:list")},
            }
        )
    elif has_any_capability(user, Cap.GROUPS_FACILITATE):
        program = current_program(request, Cap.GROUPS_FACILITATE)
        groups = list(
            SupportGroup.objects.filter(program=program)
            .exclude(status="ended")
            .filter(Q(facilitators__user=user) | Q(facilitators__mentor__user=user))
            .distinct()
        )
        if groups:
            upcoming = occurrences(groups, now, now + timedelta(days=14), include_cancelled=False)
            cards.append(
                {
                    "title": _("My next sessions"),
                    "priority": 30,
                    "count": len(upcoming),
                    "text": _("Take attendance from the session's page, on your phone."),
                    "entries": _session_items(upcoming[:SHOWN], now),
                    "links": [
                        {"label": g.name, "url": url_for("groups:detail", g.pk)} for g in groups
                    ],
                }
            )
    return cards
