"""Matching measures (the measures extension point): matches started and closed, and how soon
after intake a family is matched (P2P practice: a match within 48 hours).

A family is *matched* when the coordinator approves a match (its first move to approved); the
time counts from the family's latest intake before that approval (referrals.Intake.done_at).
"""

from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds
from kindred.matching.models import Match, MatchTransition
from kindred.referrals.models import Intake

MATCH_TARGET = timedelta(hours=48)


def started(program: Any, start: date, end: date) -> MeasureValue:
    lo, hi = period_bounds(start, end)
    return MeasureValue.count(
        Match.objects.filter(program=program, started_at__gte=lo, started_at__lt=hi).count()
    )


def closed(program: Any, start: date, end: date) -> MeasureValue:
    lo, hi = period_bounds(start, end)
    return MeasureValue.count(
        Match.objects.filter(
            program=program, status="closed", closed_at__gte=lo, closed_at__lt=hi
        ).count()
    )


def intake_to_match(program: Any, start: date, end: date) -> list[timedelta]:
    """For each match approved in the period whose family had an intake before: the wait."""
    lo, hi = period_bounds(start, end)
    approvals: dict[int, tuple[int, datetime]] = {}
    for match_id, family_id, at in (
        MatchTransition.objects.filter(
            match__program=program, to_status="approved", at__gte=lo, at__lt=hi
        )
        .order_by("at")
        .values_list("match_id", "match__family_id", "at")
    ):
        approvals.setdefault(match_id, (family_id, at))
    if not approvals:
        return []
    intakes: dict[int, list[datetime]] = {}
    for family_id, done_at in Intake.objects.filter(
        referral__program=program,
        referral__family_id__in={family for family, _at in approvals.values()},
    ).values_list("referral__family_id", "done_at"):
        intakes.setdefault(family_id, []).append(done_at)
    waits = []
    for family_id, at in approvals.values():
        before = [d for d in intakes.get(family_id, []) if d <= at]
        if before:
            waits.append(at - max(before))
    return waits


def matched_within_target(program: Any, start: date, end: date) -> MeasureValue:
    waits = intake_to_match(program, start, end)
    return MeasureValue.share(sum(1 for w in waits if w <= MATCH_TARGET), len(waits))


def median_days_intake_to_match(program: Any, start: date, end: date) -> MeasureValue:
    waits = intake_to_match(program, start, end)
    if not waits:
        return MeasureValue(None)
    # The denominator (matches behind the median) lets aggregate-only readers suppress it.
    return MeasureValue(median(w.total_seconds() for w in waits) / 86400, None, len(waits))


MEASURES = [
    Measure("matching.started", _("Matches started"), Unit.COUNT, started),
    Measure("matching.closed", _("Matches closed"), Unit.COUNT, closed),
    Measure(
        "matching.matched_within_48h",
        _("Families matched within 48 hours of intake"),
        Unit.PERCENT,
        matched_within_target,
        help_text=_("Of the matches approved in the period (P2P practice: within 48 hours)."),
    ),
    Measure(
        "matching.median_days_intake_to_match",
        _("Median time from intake to match"),
        Unit.DAYS,
        median_days_intake_to_match,
        higher_is_better=False,
    ),
]
