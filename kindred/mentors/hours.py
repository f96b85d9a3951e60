"""Volunteer hours a program reports: training hours (completed modules) plus supervision hours
(each mentor present for a session's length). Encounter hours join here with the encounters issue.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from kindred.mentors.models import ModuleCompletion, SupervisionSession
from kindred.programs.models import Program

ZERO = Decimal("0")


def _period(field: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q


def hours_by_mentor(
    program: Program,
    start: date | None = None,
    end: date | None = None,
    mentor_ids: list[int] | None = None,
) -> dict[int, dict[str, Decimal]]:
    """{mentor id: {"training", "supervision", "total"}} in two aggregate queries."""
    completions = ModuleCompletion.objects.filter(mentor__program=program).filter(
        _period("completed_on", start, end)
    )
    presence = SupervisionSession.mentors.through.objects.filter(
        supervisionsession__program=program
    ).filter(_period("supervisionsession__held_on", start, end))
    if mentor_ids is not None:
        completions = completions.filter(mentor_id__in=mentor_ids)
        presence = presence.filter(mentor_id__in=mentor_ids)
    result: dict[int, dict[str, Decimal]] = {}
    for row in completions.values("mentor_id").annotate(h=Sum("hours")):
        result.setdefault(row["mentor_id"], {"training": ZERO, "supervision": ZERO})["training"] = (
            row["h"] or ZERO
        )
    for held in presence.values("mentor_id").annotate(
        m=Sum("supervisionsession__duration_minutes")
    ):
        hours = (Decimal(held["m"] or 0) / 60).quantize(Decimal("0.1"))
        result.setdefault(held["mentor_id"], {"training": ZERO, "supervision": ZERO})[
            "supervision"
        ] = hours
    for values in result.values():
        values["total"] = values["training"] + values["supervision"]
    return result


def volunteer_hours(
    program: Program, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """The program's totals: {"training", "supervision", "total"}."""
    totals = {"training": ZERO, "supervision": ZERO, "total": ZERO}
    for values in hours_by_mentor(program, start, end).values():
        for key in totals:
            totals[key] += values[key]
    return totals
