"""Measures of the planning tests' own (the apps' real measures are tested where they live):
registered beside the installed apps' measures for one test, through the extension point."""

from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kindred.families.models import Family
from kindred.lib import extensions
from kindred.lib.measures import Measure, MeasureValue, Unit

CALLS: list[tuple[str, date, date]] = []


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz)


def families_new(program, start: date, end: date) -> MeasureValue:
    CALLS.append(("test.families_new", start, end))
    lo, hi = _bounds(start, end)
    return MeasureValue.count(
        Family.objects.filter(program=program, created_at__gte=lo, created_at__lt=hi).count()
    )


def families_noted(program, start: date, end: date) -> MeasureValue:
    CALLS.append(("test.families_noted", start, end))
    lo, hi = _bounds(start, end)
    rows = Family.objects.filter(program=program, created_at__gte=lo, created_at__lt=hi)
    return MeasureValue.share(rows.exclude(notes="").count(), rows.count())


TEST_MEASURES = [
    Measure("test.families_new", "New families (test)", Unit.COUNT, families_new),
    Measure("test.families_noted", "Families with a note (test)", Unit.PERCENT, families_noted),
]


@pytest.fixture
def test_measures(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, date, date]]:
    """The test measures registered; answers the list of their calls."""
    original = extensions.measures_modules
    module = SimpleNamespace(MEASURES=TEST_MEASURES)
    monkeypatch.setattr(
        extensions, "measures_modules", lambda **kwargs: (*original(**kwargs), module)
    )
    CALLS.clear()
    return CALLS
