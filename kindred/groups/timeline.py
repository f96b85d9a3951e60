"""The family's story: group registrations, the waitlist, and the sessions they came to. Shown
only to those who read the group's roster in the family's program (one family's attendance
never leaves the program)."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kindred.families.timeline import TimelineEntry
from kindred.groups.models import Attendance, RegistrationTransition, SupportGroup
from kindred.groups.schedule import occurrence_key
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap


def timeline_entries(family: Any, request: Any) -> list[TimelineEntry]:
    user = getattr(request, "user", None)
    groups = SupportGroup.objects.filter(program_id=family.program_id)
    if not has_capability(user, family.program_id, Cap.GROUPS_ROSTER):
        if not has_capability(user, family.program_id, Cap.GROUPS_FACILITATE):
            return []
        # A facilitator sees only what happened in the groups they lead.
        groups = groups.filter(Q(facilitators__user=user) | Q(facilitators__mentor__user=user))
    entries = []
    titles = {
        "registered": _("Registered for a support group"),
        "waitlisted": _("On a support group's waitlist"),
        "cancelled": _("Support group registration cancelled"),
    }
    for row in RegistrationTransition.objects.filter(
        registration__family=family, registration__group__in=groups
    ).select_related("registration__group", "by"):
        group = row.registration.group
        title = titles.get(row.to_status, row.to_status)
        if row.from_status == "waitlisted" and row.to_status == "registered":
            title = _("Moved from the waitlist to a place in a support group")
        entries.append(
            TimelineEntry(
                row.at,
                "group",
                title,
                group.name + (f" · {row.reason}" if row.reason else ""),
                url=reverse("groups:detail", args=[group.pk]),
                by=str(row.by or ""),
            )
        )
    for mark in Attendance.objects.filter(
        family=family, present=True, session__group__in=groups
    ).select_related("session__group", "marked_by"):
        session = mark.session
        entries.append(
            TimelineEntry(
                session.starts_at,
                "group_attendance",
                _("Came to a support group session")
                if not mark.walk_in
                else _("Came to a support group session (walk-in)"),
                session.group.name + (f" · {session.topic}" if session.topic else ""),
                url=reverse(
                    "groups:session", args=[session.group_id, occurrence_key(session.recurrence_id)]
                ),
                by=str(mark.marked_by or ""),
            )
        )
    return entries
