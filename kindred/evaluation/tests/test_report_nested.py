"""Complementary ("second-cell") suppression: nested counts (the referral funnel: referred ⊇
contacted ⊇ …), a total and its parts (a breakdown, the groups table, the months of a period):
whatever an evaluator sees, no count from 1 to 10 follows by subtraction. The check is generic:
for every pair of shown nested counts the difference is 0 or at least 11, and so is a shown
total minus its shown parts (docs/evaluation.md, "Small counts")."""

import re
from datetime import date, timedelta
from itertools import combinations

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from kindred.core.testing.personas import signed_in
from kindred.evaluation import presentation
from kindred.evaluation.report import Breakdown, Report
from kindred.evaluation.suppression import REFERRAL_CHAIN, hidden_cells
from kindred.lib import safe_harbor
from kindred.referrals import daily
from kindred.referrals.models import Referral
from kindred.referrals.services import ReferredFamily
from kindred.referrals.tests.conftest import make_referral

SMALL = safe_harbor.SUPPRESSED
FUNNEL = {
    "Referred": "referred",
    "Contacted": "contacted",
    "Matched or in a group": "supported",
    "Support under way or completed": "active",
}
# A share of the measures table reveals its numerator and denominator: "50% (20 of 40)".
SHARES = {
    "referrals.supported": ("supported", "referred"),
    "referrals.first_contact_within_target": ("within_target", "decided"),
}
COUNTS = {"referrals.referred": "referred", "referrals.contacted": "contacted"}


def ok(n: int) -> bool:
    return not safe_harbor.is_small(n)


def number(text: str) -> int | None:
    text = text.replace("\u202f", "")
    return int(text) if text.isdigit() else None


def assert_no_small_difference(shown: dict[str, int], chain) -> None:
    visible = [shown[name] for name in chain if name in shown]
    assert all(ok(n) for n in visible), shown
    for a, b in combinations(visible, 2):
        assert ok(abs(a - b)), (shown, a, b)


def assert_no_small_residual(total: int | None, parts: list[int | None]) -> None:
    """A shown total minus its shown parts is 0 or at least 11; a hidden total has a hidden part."""
    if total is None:
        assert None in parts or not any(parts), parts
    else:
        assert ok(total - sum(p for p in parts if p is not None)), (total, parts)


# The helper itself, over any counts.
nested = st.lists(st.integers(0, 40), min_size=2, max_size=7).map(lambda c: sorted(c)[::-1])


@given(nested)
def test_no_difference_of_shown_nested_counts_is_small(counts):
    hidden = hidden_cells(counts, chains=[range(len(counts))])
    shown = {str(i): c for i, c in enumerate(counts) if i not in hidden}
    assert_no_small_difference(shown, [str(i) for i in range(len(counts))])
    # A cell hidden for a second reason holds 11 or more (its hiding makes no new small sum).
    assert all(counts[i] > 10 for i in hidden if not safe_harbor.is_small(counts[i]))


def test_the_inner_count_of_a_small_difference_is_hidden():
    assert hidden_cells([57, 50], chains=[[0, 1]]) == {1}  # "7 not contacted"
    assert hidden_cells([57, 50, 45], chains=[[0, 1, 2]]) == {1}  # 57 - 45 = 12
    assert hidden_cells([57, 40, 30], chains=[[0, 1, 2]]) == {2}  # 40 - 30 = 10
    assert hidden_cells([57, 40, 25], chains=[[0, 1, 2]]) == set()


@given(st.lists(st.integers(0, 30), min_size=1, max_size=7), st.integers(0, 12))
def test_no_total_minus_shown_parts_is_small(parts, outside):
    """A partition of a total shown elsewhere (the total may hold some not in any part)."""
    total = sum(parts) + outside
    hidden = hidden_cells(parts, True, total=total)
    shown = [None if i in hidden else c for i, c in enumerate(parts)]
    assert_no_small_residual(None if safe_harbor.is_small(total) else total, shown)


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 40))
def test_a_total_row_and_its_parts_in_one_table(both, alone, extra):
    counts = [both + alone, both, alone, both + extra]  # families, both, group only, one-to-one
    hidden = hidden_cells(counts, chains=[[3, 1]], sums=[(0, [1, 2])])
    shown = [None if i in hidden else c for i, c in enumerate(counts)]
    assert_no_small_residual(shown[0], shown[1:3])
    assert_no_small_difference({str(i): c for i, c in enumerate(shown) if c is not None}, "31")


def test_a_breakdown_hides_a_second_cell_when_two_small_ones_add_up_to_a_small_one():
    rows = [("a", "A", 40), ("b", "B", 3), ("c", "C", 4), ("d", "D", 30)]
    b = Breakdown("setting", rows, 77, partition=True)
    report = Report(start=date(2026, 1, 1), end=date(2026, 2, 1), breakdowns={"setting": b})
    (section,) = presentation.sections([report], ["p"], exact=False)
    cells = [number(row.cells[0].count) for row in section.rows]
    assert cells[1] is None and cells[2] is None
    assert_no_small_residual(77, cells)  # 77 - 40 - 30 = 7 would be "B and C"
    (exact,) = presentation.sections([report], ["p"], exact=True)
    assert [row.cells[0].count for row in exact.rows] == ["40", "3", "4", "30"]


def test_the_groups_table_hides_what_its_total_would_reveal():
    groups = {
        "sessions": 20,
        "attendances": 60,
        "walk_ins": 55,  # 5 not walk-ins
        "families": 30,
        "one_to_one": 45,
        "both": 24,
        "groups_only": 6,  # small: 30 - 24 would reveal it
    }
    report = Report(start=date(2026, 1, 1), end=date(2026, 2, 1), groups=groups)
    rows = presentation.groups_table([report], exact=False)
    shown = dict(zip(groups, (number(row.cells[0].count) for row in rows), strict=True))
    assert shown["groups_only"] is None and shown["both"] is None and shown["walk_ins"] is None
    assert_no_small_residual(shown["families"], [shown["both"], shown["groups_only"]])
    exact = presentation.groups_table([report], exact=True)
    assert [number(row.cells[0].count) for row in exact] == list(groups.values())


# The report page, from planted referrals.


def plant(world, n: int, contacted: int, *, earlier: int = 0) -> None:
    """`n` referrals received today (`earlier` of them on the 2nd of last month), the first
    `contacted` contacted an hour later."""
    for i in range(n):
        make_referral(
            world,
            family=ReferredFamily(
                caregiver_first_name=f"Nest{i}",
                caregiver_last_name=f"Family{i}",
                phone=f"919-555-{3000 + i:04d}",
                language="en",
                child_first_name=f"Kid{i}",
            ),
        )
    rows = list(Referral.objects.filter(program=world.program_a).order_by("pk"))
    last_month = (timezone.now().replace(day=1) - timedelta(days=1)).replace(day=2)
    for i, referral in enumerate(rows):
        received = last_month if i < earlier else referral.received_at
        Referral.objects.filter(pk=referral.pk).update(
            received_at=received,
            due_at=received + timedelta(days=400),
            first_contact_at=received + timedelta(hours=1) if i < contacted else None,
        )
    daily.rebuild(world.program_a.pk)


def period() -> dict[str, str]:
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {"start": start.isoformat(), "end": today.isoformat()}


def shown_referral_counts(context) -> list[dict[str, int]]:
    """Every referral count the page shows, by name, for each period."""
    columns: list[dict[str, int]] = [{} for _label in context["labels"]]

    def put(column: dict[str, int], name: str, value: int | None) -> None:
        if value is not None:
            assert column.setdefault(name, value) == value
            column[name] = value

    for row in context["funnel"]:
        for column, cell in zip(columns, row.cells, strict=True):
            if row.label in FUNNEL:
                put(column, FUNNEL[row.label], number(cell.count))
    for row in context["measures"]:
        for column, text in zip(columns, row["values"], strict=True):
            if row["key"] in COUNTS:
                put(column, COUNTS[row["key"]], number(text))
            if row["key"] in SHARES and (found := re.search(r"\((\d+) of (\d+)\)", text)):
                for name, value in zip(SHARES[row["key"]], found.groups(), strict=True):
                    put(column, name, int(value))
    return columns


@pytest.mark.django_db
def test_referred_57_contacted_50_does_not_show_7_not_contacted(client, world):
    plant(world, 57, 50)
    signed_in(client, world.evaluator)
    response = client.get("/reports/", period())
    assert response.status_code == 200
    (shown,) = shown_referral_counts(response.context)
    assert shown["referred"] == 57 and "contacted" not in shown
    assert_no_small_difference(shown, REFERRAL_CHAIN)
    pdf = client.get("/reports/report.pdf", period())
    assert pdf.status_code == 200
    # The coordinator sees every exact number.
    signed_in(client, world.coordinator)
    exact = client.get("/reports/", period()).context
    (shown,) = shown_referral_counts(exact)
    assert shown["referred"] == 57 and shown["contacted"] == 50
    assert shown["decided"] == 50 and shown["within_target"] == 50


@pytest.mark.django_db
def test_a_month_is_hidden_when_the_period_total_would_reveal_the_other(client, world):
    plant(world, 40, 40, earlier=5)  # last month 5 (small), this month 35, the period 40
    signed_in(client, world.evaluator)
    context = client.get("/reports/", period()).context
    (whole,) = shown_referral_counts(context)
    assert whole["referred"] == 40
    rows = {row["key"]: row["values"] for row in context["by_month"]["rows"]}
    for key, name in COUNTS.items():
        months = [number(text) for text in rows[key]]
        assert_no_small_residual(whole.get(name), months)
    assert rows["referrals.referred"] == [SMALL, SMALL]
    signed_in(client, world.coordinator)
    context = client.get("/reports/", period()).context
    rows = {row["key"]: row["values"] for row in context["by_month"]["rows"]}
    assert rows["referrals.referred"] == ["5", "35"]


@pytest.mark.django_db
def test_two_periods_are_suppressed_each_on_its_own(client, world):
    plant(world, 57, 50)
    query = {**period(), "compare_start": "2020-01-01", "compare_end": "2020-03-31"}
    signed_in(client, world.evaluator)
    context = client.get("/reports/", query).context
    now, before = shown_referral_counts(context)
    assert now["referred"] == 57 and "contacted" not in now
    assert before == {"referred": 0, "contacted": 0, "supported": 0, "active": 0}
    for shown in (now, before):
        assert_no_small_difference(shown, REFERRAL_CHAIN)
