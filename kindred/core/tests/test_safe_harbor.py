"""Safe Harbor rules (kindred.lib.safe_harbor): properties over every input, plus the listed cases."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kindred.lib import safe_harbor

zips = st.text(alphabet="0123456789", min_size=5, max_size=5)


@given(zips, st.sampled_from(["", "-1234", " 1234"]))
def test_it_keeps_at_most_three_digits_of_a_zip(code, suffix):
    area = safe_harbor.zip3(code + suffix)
    assert len(area) == 3
    assert area == "000" or (area == code[:3] and area not in safe_harbor.RESTRICTED_ZIP3)


@given(
    st.sampled_from(sorted(safe_harbor.RESTRICTED_ZIP3)),
    st.text("0123456789", min_size=2, max_size=2),
)
def test_it_turns_every_restricted_area_into_000(area, rest):
    assert safe_harbor.zip3(area + rest) == "000"


def test_it_lists_the_seventeen_hhs_areas():
    assert len(safe_harbor.RESTRICTED_ZIP3) == 17
    assert safe_harbor.zip3("27705") == "277"
    assert safe_harbor.zip3("03601") == "000"
    assert safe_harbor.zip3("8931") == ""  # not a ZIP: no guess
    assert safe_harbor.zip3(None) == ""


@given(st.dates(), st.dates())
def test_a_day_offset_recovers_the_distance_and_nothing_else(moment, anchor):
    offset = safe_harbor.day_offset(moment, anchor)
    assert anchor + timedelta(days=offset) == moment
    # Shifting both dates together gives the same offset: the calendar date is not in it.
    if date.min + timedelta(days=400) < min(moment, anchor) and max(
        moment, anchor
    ) < date.max - timedelta(days=400):
        shifted = safe_harbor.day_offset(moment + timedelta(days=365), anchor + timedelta(days=365))
        assert shifted == offset


@given(st.datetimes())
def test_a_year_is_all_that_stays_of_a_date(moment):
    assert safe_harbor.year_only(moment) == moment.year
    assert safe_harbor.year_only(moment.date()) == moment.year


@given(st.dates(), st.integers(min_value=0, max_value=130))
def test_ages_over_89_are_one_category(birth, years):
    try:
        on = birth.replace(year=birth.year + years)
    except ValueError:  # 29 February, or past year 9999
        return
    age = safe_harbor.age_years(birth, on)
    assert age == years
    label = safe_harbor.age_label(age)
    assert label == ("90+" if years >= 90 else str(years))


def test_an_age_is_unknown_without_both_dates():
    assert safe_harbor.age_years(None, date(2024, 1, 1)) is None
    assert safe_harbor.age_years(date(2025, 1, 1), date(2024, 1, 1)) is None
    assert safe_harbor.age_label(None) == ""
    assert safe_harbor.day_offset(datetime(2024, 1, 2, 23, 0), date(2024, 1, 1)) == 1


@given(st.integers(min_value=0, max_value=10_000))
def test_small_counts_are_suppressed_and_others_shown(n):
    shown = safe_harbor.suppress(n)
    if 1 <= n <= 10:
        assert shown == "<11"
    else:
        assert shown == n
