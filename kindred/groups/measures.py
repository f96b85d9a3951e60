"""Support group measures (the measures extension point): sessions held and the families who
came (present at a session in the period; registering is not attending)."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kindred.groups.models import Attendance, GroupSession
from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds


def held(program: Any, start: date, end: date) -> QuerySet[GroupSession]:
    """The sessions held in [start, end): started in it, attendance taken. The program report
    (evaluation/report_groups.py) counts from the same querysets."""
    lo, hi = period_bounds(start, end)
    return GroupSession.objects.filter(
        group__program=program,
        starts_at__gte=lo,
        starts_at__lt=hi,
        attendance_taken_at__isnull=False,
    )


def present(program: Any, start: date, end: date) -> QuerySet[Attendance]:
    """The present marks at the sessions held in [start, end)."""
    return Attendance.objects.filter(session__in=held(program, start, end), present=True)


def sessions_held(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(held(program, start, end).count())


def families_attended(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(present(program, start, end).values("family_id").distinct().count())


MEASURES = [
    Measure("groups.sessions_held", _("Group sessions held"), Unit.COUNT, sessions_held),
    Measure(
        "groups.families_attended",
        _("Families who came to a support group"),
        Unit.COUNT,
        families_attended,
    ),
]
