"""The report reproduces seed 000's kind of summary from raw records: every number of the report
for a program of 3 mentors, 90 children and 203 encounters over six months, checked against
what the test planted (computed here, not with the report's code)."""

from collections import Counter
from statistics import median

import pytest

from kindred.core.testing.personas import signed_in
from kindred.evaluation import report
from kindred.evaluation.tests import seed000
from kindred.lib.measures import all_measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(world):
    return seed000.build(world)


def zip3(code: str) -> str:
    # Written out again here on purpose: the test does not use kindred.lib.safe_harbor.
    digits = code.replace("-", "")[:5]
    if len(digits) < 5:
        return "—"
    return (
        "000"
        if digits[:3]
        in {
            "036",
            "059",
            "063",
            "102",
            "203",
            "556",
            "692",
            "790",
            "821",
            "823",
            "830",
            "831",
            "878",
            "879",
            "884",
            "890",
            "893",
        }
        else digits[:3]
    )


def test_it_reproduces_the_seed_summary_from_the_raw_rows(world, seeded):
    plan = seeded
    rows = plan.encounters
    result = report.build(world.program_a, plan.start, plan.end)

    families = {f for e in rows for f in e["families"]}
    assert result.totals == {
        "encounters": 203,
        "families": len(families),
        "mentors": 3,
        "children": len({c for e in rows for c in e["children"]}),
        "caregivers": len({c for e in rows for c in e["caregivers"]}),
    }
    assert len(families) == 70
    assert sum(len(f["children"]) for f in plan.families) == 90
    assert result.support_minutes == sum(e["minutes"] for e in rows)

    def counts(breakdown):
        return {key: n for key, _label, n in result.breakdowns[breakdown].rows if n}

    assert counts("setting") == dict(Counter(e["setting"] for e in rows))
    assert set(counts("setting")) == {"inpatient", "outpatient"}
    assert counts("mode") == dict(Counter(e["mode"] for e in rows))
    assert counts("support") == dict(Counter(s for e in rows for s in e["supports"]))
    themes = {t.pk: t.slug for t in world.program_a.encounter_themes.all()}
    assert {themes[int(k)]: n for k, n in counts("themes").items()} == dict(
        Counter(t for e in rows for t in e["themes"])
    )

    reached = [f for f in plan.families if f["family"].pk in families]
    assert counts("language") == dict(Counter(f["language"] for f in reached))
    assert counts("zip3") == dict(Counter(zip3(f["zip"]) for f in reached))
    assert "000" in counts("zip3")  # 036 is one of the restricted areas
    by_category = Counter(c for f in reached for c in f["categories"])
    planted = {label: n for key, label, n in result.breakdowns["conditions"].rows if key}
    assert planted == dict(by_category)
    assert counts("source") == dict(Counter(f["source"] for f in reached if f["source"]))

    referred = plan.referrals
    hours = sorted(r["contact_hours"] for r in referred if r["contact_hours"] is not None)
    assert result.referrals["referred"] == len(referred) == 12
    assert result.referrals["contacted"] == len(hours) == 8
    assert result.referrals["median_hours"] == pytest.approx(median(hours))
    assert result.matches == {"started": 0, "closed": 0}
    assert result.volunteer["encounters"] == pytest.approx(sum(e["minutes"] for e in rows) / 60)

    measures = all_measures()
    value = lambda key: measures[key].value(world.program_a, plan.start, plan.end).value  # noqa: E731
    assert value("encounters.count") == 203
    assert value("encounters.families_reached") == 70
    assert value("encounters.families_reached_spanish") == sum(
        1 for f in reached if f["language"] == "es"
    )
    assert value("encounters.families_reached_not_english") == sum(
        1 for f in reached if f["language"] != "en"
    )
    assert value("encounters.support_hours") == pytest.approx(sum(e["minutes"] for e in rows) / 60)
    months = measures["encounters.count"].by_month(world.program_a, plan.start, plan.end)
    assert sum(v.value for _m, v in months) == 203


def test_the_coordinator_reads_the_exact_numbers_and_the_evaluator_suppressed_ones(
    client, world, seeded
):
    plan = seeded
    query = {"start": plan.start.isoformat(), "end": (plan.end - plan.end.resolution).isoformat()}
    signed_in(client, world.coordinator)
    page = client.get("/reports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>203</td>" in html
    assert "data:image/svg+xml;base64," in html and "alt=" in html
    assert "encounters.first_weeks_contacts" in html  # the table of every measure
    signed_in(client, world.evaluator)
    page = client.get("/reports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>203</td>" in html
    # Three mentors: a count from 1 to 10, suppressed for the evaluator.
    assert "Mentors</th><td>&lt;11</td>" in html
    assert "Seedfamily" not in html and "Partner 0" not in html
