"""Mentor measures (the measures extension point): volunteer hours (mentors/hours.py, the same
totals as the mentors' pages) and the mentors who finished training in a period."""

from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds
from kindred.mentors import hours
from kindred.mentors.models import Mentor, MentorStatusChange


def volunteer_hours(program: Any, start: date, end: date) -> MeasureValue:
    """Training and supervision hours (hours.py's period is inclusive of its last day)."""
    if end <= start:
        return MeasureValue(0.0)
    totals = hours.volunteer_hours(program, start, end - timedelta(days=1))
    return MeasureValue(float(totals["total"]))


def mentors_trained(program: Any, start: date, end: date) -> MeasureValue:
    """Mentors who moved from training to active in the period: new mentors trained."""
    lo, hi = period_bounds(start, end)
    n = (
        MentorStatusChange.objects.filter(
            mentor__program=program,
            from_status=Mentor.Status.TRAINING,
            to_status=Mentor.Status.ACTIVE,
            at__gte=lo,
            at__lt=hi,
        )
        .values("mentor_id")
        .distinct()
        .count()
    )
    return MeasureValue.count(n)


MEASURES = [
    Measure(
        "mentors.volunteer_hours",
        _("Volunteer hours (training and supervision)"),
        Unit.HOURS,
        volunteer_hours,
    ),
    Measure(
        "mentors.trained",
        _("New mentors trained"),
        Unit.COUNT,
        mentors_trained,
        help_text=_("Mentors who finished training and became active in the period."),
    ),
]
