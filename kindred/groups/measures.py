"""Support group measures (the measures extension point): sessions held and the families who
came (present at a session in the period; registering is not attending)."""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.groups.models import Attendance, GroupSession
from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds


def sessions_held(program: Any, start: date, end: date) -> MeasureValue:
    lo, hi = period_bounds(start, end)
    return MeasureValue.count(
        GroupSession.objects.filter(
            group__program=program,
            starts_at__gte=lo,
            starts_at__lt=hi,
            attendance_taken_at__isnull=False,
        ).count()
    )


def families_attended(program: Any, start: date, end: date) -> MeasureValue:
    lo, hi = period_bounds(start, end)
    return MeasureValue.count(
        Attendance.objects.filter(
            session__group__program=program,
            session__starts_at__gte=lo,
            session__starts_at__lt=hi,
            present=True,
        )
        .values("family_id")
        .distinct()
        .count()
    )


MEASURES = [
    Measure("groups.sessions_held", _("Group sessions held"), Unit.COUNT, sessions_held),
    Measure(
        "groups.families_attended",
        _("Families who came to a support group"),
        Unit.COUNT,
        families_attended,
    ),
]
