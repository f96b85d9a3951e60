"""What an evaluator reads of the referral funnel and the time to first contact: aggregates
only, with the Safe Harbor small-cell rule of the rest of their view (a count from 1 to 10 is
"<11"; a share, a median or a percentile over 1 to 10 referrals is not shown)."""

from datetime import date
from statistics import median

import pytest

from kindred.core.testing.personas import signed_in
from kindred.evaluation import presentation
from kindred.evaluation.report import Report
from kindred.evaluation.tests import seed000
from kindred.lib.measures import all_measures

pytestmark = pytest.mark.django_db

SMALL = "<11"


def funnel_of(referrals: dict, *, exact: bool) -> dict[str, str]:
    report = Report(start=date(2026, 1, 1), end=date(2026, 7, 1), referrals=referrals)
    return {row.label: row.cells[0].count for row in presentation.funnel([report], exact=exact)}


def numbers(**over):
    base = {
        "referred": 80,
        "contacted": 40,
        "supported": 25,
        "active": 7,
        "within_target": 12,
        "decided": 60,
        "median_hours": 20.5,
        "p90_hours": 61.0,
        "within_target_pct": round(100 * 12 / 60),
    }
    return {**base, **over}


def test_an_evaluator_sees_large_funnel_cells_and_not_small_ones():
    shown = funnel_of(numbers(), exact=False)
    assert shown["Referred"] == "80" and shown["Contacted"] == "40"
    assert shown["Support under way or completed"] == SMALL  # 7
    assert shown["Median time to first contact"] == "20.5 hours"
    assert shown["90th percentile"] == "61.0 hours"
    assert shown["Contacted within the target"] == "20%"
    # The coordinator sees every number.
    assert funnel_of(numbers(), exact=True)["Support under way or completed"] == "7"


def test_a_share_or_median_over_few_referrals_is_suppressed_for_an_evaluator():
    few_within = numbers(within_target=4, within_target_pct=round(100 * 4 / 60))
    assert funnel_of(few_within, exact=False)["Contacted within the target"] == SMALL
    assert funnel_of(few_within, exact=True)["Contacted within the target"] == "7%"
    few_contacted = numbers(contacted=6, decided=8, within_target=11)
    shown = funnel_of(few_contacted, exact=False)
    assert shown["Contacted"] == SMALL
    assert shown["Median time to first contact"] == SMALL
    assert shown["90th percentile"] == SMALL
    assert shown["Contacted within the target"] == SMALL  # of 8 decided
    exact = funnel_of(few_contacted, exact=True)
    assert exact["Median time to first contact"] == "20.5 hours"


def test_the_report_page_suppresses_the_seed_funnel_for_the_evaluator(client, world):
    plan = seed000.build(world)
    hours = [r["contact_hours"] for r in plan.referrals if r["contact_hours"] is not None]
    assert len(hours) == 8  # a small count: 1 to 10
    query = {"start": plan.start.isoformat(), "end": (plan.end - plan.end.resolution).isoformat()}
    exact_median = f"{median(hours):.1f} hours"
    signed_in(client, world.coordinator)
    html = client.get("/reports/", query).content.decode()
    assert f"Median time to first contact</th><td>{exact_median}</td>" in html
    assert "Contacted</th><td>8 " in html
    signed_in(client, world.evaluator)
    html = client.get("/reports/", query).content.decode()
    assert "Referred</th><td>12 " in html  # 12 is not small
    assert "Contacted</th><td>&lt;11</td>" in html  # no percentage either
    assert "Median time to first contact</th><td>&lt;11</td>" in html
    assert "90th percentile</th><td>&lt;11</td>" in html
    assert exact_median not in html
    # The table of every measure and the months follow the same rule.
    measures = all_measures()
    value = measures["referrals.median_hours_to_first_contact"].value(
        world.program_a, plan.start, plan.end
    )
    assert value.denominator == 8
    assert (
        presentation.measure_text(
            measures["referrals.median_hours_to_first_contact"], value, exact=False
        )
        == SMALL
    )
