"""The measures kit (kindred.lib.measures): months of a period, shares, the registry."""

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.lib.measures import Measure, MeasureValue, Unit, all_measures, months


def test_share_and_empty_share():
    assert MeasureValue.share(45, 50) == MeasureValue(90.0, 45, 50)
    assert MeasureValue.share(0, 0).value is None


def test_months_clip_the_period():
    assert list(months(date(2026, 11, 15), date(2027, 1, 10))) == [
        (date(2026, 11, 1), date(2026, 11, 15), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 10)),
    ]
    assert list(months(date(2026, 3, 1), date(2026, 3, 1))) == []


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 800))
def test_months_tile_the_period_exactly(start, length):
    from datetime import timedelta

    end = start + timedelta(days=length)
    parts = list(months(start, end))
    covered = sum(((hi - lo).days for _, lo, hi in parts), 0)
    assert covered == length
    for (_, _, hi), (_, lo, _) in pairwise(parts):
        assert hi == lo


def test_a_period_that_ends_before_it_starts_is_refused():
    measure = Measure("x.y", "Y", Unit.COUNT, lambda program, start, end: MeasureValue.count(1))
    with pytest.raises(ValueError):
        measure.value(None, date(2026, 2, 1), date(2026, 1, 1))
    assert [v.value for _, v in measure.by_month(None, date(2026, 1, 1), date(2026, 3, 1))] == [
        1.0,
        1.0,
    ]


def test_every_declared_measure_has_a_unique_dotted_key():
    for key, measure in all_measures().items():
        assert key == measure.key and "." in key and isinstance(measure.unit, Unit)
