"""Program measures: one named number about a program over a period, computed in one place.

The program report (evaluation), the plan's live objectives (planning) and any export read the
same `Measure`, so a figure is never calculated twice. Each app that owns the rows declares its
measures in a `measures.py` module (`MEASURES = [Measure(...)]`, the `measures` extension point);
`all_measures()` collects them by key.

A period is half-open: `start <= moment < end` (dates; `end` is the day after the last day).
`compute(program, start, end)` returns a `MeasureValue`: a count, or a share with its numerator
and denominator so a reader can say "45 of 50". Measures are per program and must scope every
query by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class Unit(StrEnum):
    COUNT = "count"  # families, encounters, mentors
    PERCENT = "percent"  # a share: numerator / denominator, shown as %
    HOURS = "hours"
    DAYS = "days"  # a median or mean duration in days


@dataclass(frozen=True)
class MeasureValue:
    value: float | None  # None: nothing to measure in the period (no denominator)
    numerator: int | None = None
    denominator: int | None = None

    @classmethod
    def share(cls, numerator: int, denominator: int) -> MeasureValue:
        """A percentage (0–100) of `denominator`, or no value when there is nothing to count."""
        if denominator == 0:
            return cls(None, numerator, denominator)
        return cls(100.0 * numerator / denominator, numerator, denominator)

    @classmethod
    def count(cls, n: int) -> MeasureValue:
        return cls(float(n))


@dataclass(frozen=True)
class Measure:
    key: str  # "<app>.<name>", stable: objectives store it
    label: str | Promise  # translatable, e.g. "Referrals contacted within the first-contact target"
    unit: Unit
    compute: Callable[[Any, date, date], MeasureValue]
    help_text: str | Promise = ""
    higher_is_better: bool = True

    def value(self, program: Any, start: date, end: date) -> MeasureValue:
        if end < start:
            raise ValueError("A period ends after it starts.")
        return self.compute(program, start, end)

    def by_month(self, program: Any, start: date, end: date) -> list[tuple[date, MeasureValue]]:
        """The measure for each calendar month that overlaps [start, end), each clipped to it."""
        return [(month, self.value(program, lo, hi)) for month, lo, hi in months(start, end)]


def months(start: date, end: date) -> Iterator[tuple[date, date, date]]:
    """(first of month, period start, period end) for each month overlapping [start, end)."""
    month = start.replace(day=1)
    while month < end:
        following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        yield month, max(start, month), min(end, following)
        month = following


def all_measures() -> dict[str, Measure]:
    """Every app's measures by key (INSTALLED_APPS order); a key declared twice is an error."""
    from kindred.lib.extensions import measures_modules

    found: dict[str, Measure] = {}
    for module in measures_modules():
        for measure in module.MEASURES:
            if measure.key in found:
                raise ValueError(f"Measure {measure.key!r} is declared twice.")
            found[measure.key] = measure
    return found


def period_bounds(start: date, end: date) -> tuple[Any, Any]:
    """The half-open period [start, end) as aware datetimes at midnight in the site's time zone,
    for filtering DateTimeFields the same way in every app's measures."""
    from datetime import datetime, time

    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz)
