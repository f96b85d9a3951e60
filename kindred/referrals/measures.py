"""Referral measures (the measures extension point): the dashboard's own numbers, read through
`dashboard.numbers` (the daily counts), so the report, the plan's objectives and the dashboard
can never disagree — what counts as first contact and as "within target" is the dashboard's rule.
"""

from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.lib.measures import Measure, MeasureValue, Unit
from kindred.referrals import dashboard


def _numbers(program: Any, start: date, end: date) -> dict[str, Any]:
    # The dashboard's period is inclusive of its last day; a measure's end is the day after.
    if end <= start:
        return dashboard.numbers(program, start, start - timedelta(days=1))
    return dashboard.numbers(program, start, end - timedelta(days=1))


def referred(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(_numbers(program, start, end)["referred"])


def contacted(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(_numbers(program, start, end)["contacted"])


def first_contact_within_target(program: Any, start: date, end: date) -> MeasureValue:
    n = _numbers(program, start, end)
    pct = n["within_target_pct"]
    # The dashboard's rule: of the referrals whose deadline has passed ("decided").
    return MeasureValue(None if pct is None else float(pct), n["within_target"], n["decided"])


def median_hours_to_first_contact(program: Any, start: date, end: date) -> MeasureValue:
    # The denominator (referrals behind the median) lets aggregate-only readers suppress it.
    n = _numbers(program, start, end)
    return MeasureValue(n["median_hours"], None, n["contacted"])


def supported(program: Any, start: date, end: date) -> MeasureValue:
    """Referrals received in the period that reached a match or a group."""
    n = _numbers(program, start, end)
    return MeasureValue.share(n["supported"], n["referred"])


MEASURES = [
    Measure("referrals.referred", _("Referrals received"), Unit.COUNT, referred),
    Measure("referrals.contacted", _("Referrals contacted"), Unit.COUNT, contacted),
    Measure(
        "referrals.first_contact_within_target",
        _("Referrals contacted within the first-contact target"),
        Unit.PERCENT,
        first_contact_within_target,
        help_text=_(
            "Of the referrals contacted; the target is the program's (P2P practice: 24–48 hours)."
        ),
    ),
    Measure(
        "referrals.median_hours_to_first_contact",
        _("Median time from referral to first contact"),
        Unit.HOURS,
        median_hours_to_first_contact,
        higher_is_better=False,
    ),
    Measure(
        "referrals.supported",
        _("Referrals matched or in a group"),
        Unit.PERCENT,
        supported,
    ),
]
