"""Where the program stands on each objective: the measure's own numbers
(`kindred.lib.measures`), the same code the program report runs. Nothing is computed here but
the comparison with the target.

A measure used by several objectives is computed once per period.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kindred.lib import measures as measures_kit
from kindred.lib.measures import Measure, MeasureValue, Unit

# Longest period the plan page computes month by month (a measure runs once per month).
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive: the day after the last day

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def this_year(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(date(today.year, 1, 1), today + timedelta(days=1))


@dataclass
class ObjectiveStatus:
    objective: Any
    measure: Measure | None  # None: the measure is no longer offered by any app
    value: MeasureValue | None = None
    meets: bool | None = None
    months: list[tuple[date, MeasureValue, bool | None]] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.measure is None:
            return "unavailable"
        if self.meets is None:
            return "no_data"
        return "on_target" if self.meets else "off_target"


def available_measures() -> dict[str, Measure]:
    # Through the module, so that tests can register measures of their own.
    return measures_kit.all_measures()


def objective_statuses(
    program: Any, objectives: list[Any], period: Period, *, by_month: bool = True
) -> list[ObjectiveStatus]:
    measures = available_measures()
    totals: dict[str, MeasureValue] = {}
    monthly: dict[str, list[tuple[date, MeasureValue]]] = {}
    found = []
    for objective in objectives:
        measure = measures.get(objective.measure_key)
        if measure is None:
            found.append(ObjectiveStatus(objective, None))
            continue
        key = measure.key
        if key not in totals:
            totals[key] = measure.value(program, period.start, period.end)
        value = totals[key]
        months: list[tuple[date, MeasureValue, bool | None]] = []
        if by_month:
            if key not in monthly:
                monthly[key] = measure.by_month(program, period.start, period.end)
            # A rate (a share, a median) can be held to the target each month; a count or a sum
            # of hours is a target for the whole period, so its months are not compared.
            rate = is_rate(measure)
            months = [(m, v, objective.meets(v.value) if rate else None) for m, v in monthly[key]]
        found.append(
            ObjectiveStatus(objective, measure, value, objective.meets(value.value), months)
        )
    return found


def is_rate(measure: Measure) -> bool:
    return measure.unit in (Unit.PERCENT, Unit.DAYS)


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == Unit.PERCENT:
        return f"{value:.0f}%"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}"
