"""Objectives on live measures: the plan shows the measure's own figures for the period and by
month, checked here against the raw rows; bad input answers 400; other programs 404."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.families.models import Family
from kindred.planning.live import Period, objective_statuses, this_year
from kindred.planning.models import Objective, PlanVersion
from kindred.planning.services import plan_for
from kindred.planning.tests.factories import aware, family_on, objective

pytestmark = pytest.mark.django_db


def test_it_adds_an_objective_on_a_measure_and_keeps_a_version(world, test_measures) -> None:
    client = world.client("coordinator")
    page = client.get(reverse("planning:objective_new"))
    assert "New families (test)" in page.content.decode()
    response = client.post(
        reverse("planning:objective_new"),
        {
            "title": "30 new families",
            "measure_key": "test.families_new",
            "comparison": "at_least",
            "target": "30",
        },
    )
    assert response.status_code == 302
    found = Objective.objects.get()
    assert found.plan.program == world.program_a and found.target == 30
    version = PlanVersion.objects.get()
    assert (
        version.changed == ["objectives"] and "test.families_new" in version.content["objectives"]
    )
    assert AuditEvent.objects.filter(
        action="planning.objective.created", object_id=str(found.pk)
    ).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        (
            {"title": "x", "measure_key": "nobody.knows", "comparison": "at_least", "target": "3"},
            "measure_key",
        ),
        (
            {
                "title": "x",
                "measure_key": "test.families_noted",
                "comparison": "at_least",
                "target": "120",
            },
            "target",
        ),
        (
            {
                "title": "x",
                "measure_key": "test.families_new",
                "comparison": "around",
                "target": "3",
            },
            "comparison",
        ),
        (
            {
                "title": "x",
                "measure_key": "test.families_new",
                "comparison": "at_least",
                "target": "-1",
            },
            "target",
        ),
        (
            {
                "title": "",
                "measure_key": "test.families_new",
                "comparison": "at_least",
                "target": "3",
            },
            "title",
        ),
    ],
)
def test_it_refuses_a_bad_objective_with_a_400(world, test_measures, data, field) -> None:
    response = world.client("coordinator").post(reverse("planning:objective_new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Objective.objects.exists() and not PlanVersion.objects.exists()


def test_the_plan_shows_where_the_program_stands_from_the_raw_rows(world, test_measures) -> None:
    program, by = world.program_a, world.coordinator
    today = date.today()
    year = today.year
    family_on(program, by, aware(year, 1, 10), notes="Wants a call in the evening")
    family_on(program, by, aware(year, 1, 20))
    family_on(program, by, aware(year - 1, 12, 31))  # last year: outside the period
    family_on(world.program_b, world.outsider, aware(year, 1, 15))  # another program
    new = objective(program, by, "test.families_new", "3", title="Three new families")
    noted = objective(
        program, by, "test.families_noted", "40", title="Notes", comparison="at_least"
    )

    period = this_year()
    statuses = {s.objective.pk: s for s in objective_statuses(program, [new, noted], period)}
    # The raw rows, counted here without the measure.
    lo, hi = aware(year, 1, 1), aware(today.year, today.month, today.day) + timedelta(days=1)
    rows = Family.objects.filter(program=program, created_at__gte=lo, created_at__lt=hi)
    assert statuses[new.pk].value.value == rows.count() == 2
    assert statuses[new.pk].state == "off_target"
    noted_rows = rows.exclude(notes="")
    assert statuses[noted.pk].value.numerator == noted_rows.count() == 1
    assert statuses[noted.pk].value.denominator == rows.count()
    assert statuses[noted.pk].state == "on_target"  # 50% ≥ 40%
    january = statuses[new.pk].months[0]
    assert january[0] == date(year, 1, 1) and january[1].value == 2
    assert sum(v.value for _, v, _ in statuses[new.pk].months) == rows.count()

    html = world.client("evaluator").get(reverse("planning:plan")).content.decode()
    assert "Three new families" in html and "Off target" in html and "On target" in html
    assert "1 of 2" in html


def test_a_chosen_period_is_measured_and_a_bad_one_is_refused(world, test_measures) -> None:
    program, by = world.program_a, world.coordinator
    family_on(program, by, aware(2025, 3, 5))
    family_on(program, by, aware(2025, 4, 5))
    objective(program, by, "test.families_new", "1", title="Any family")
    client = world.client("coordinator")
    response = client.get(reverse("planning:plan") + "?start=2025-03-01&end=2025-03-31")
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["status"].value.value == 1 and len(row["months"]) == 1
    assert ("test.families_new", date(2025, 3, 1), date(2025, 4, 1)) in test_measures
    for query in (
        "start=2025-04-01&end=2025-03-01",
        "start=nonsense&end=2025-03-01",
        "start=2020-01-01&end=2025-01-01",
    ):
        assert client.get(reverse("planning:plan") + "?" + query).status_code == 400


def test_each_measure_runs_once_per_period_whatever_the_number_of_objectives(
    world, test_measures
) -> None:
    program, by = world.program_a, world.coordinator
    for n in range(4):
        objective(program, by, "test.families_new", str(n), title=f"Objective {n}")
    objective_statuses(
        program,
        list(plan_for(program).objectives.all()),
        Period(date(2026, 1, 1), date(2026, 4, 1)),
    )
    # One call for the period, three for its months: not four times that.
    assert len(test_measures) == 4


def test_the_plan_page_reads_in_a_fixed_number_of_queries(
    world, test_measures, django_assert_max_num_queries
) -> None:
    program, by = world.program_a, world.coordinator
    for n in range(6):
        objective(program, by, "nobody.measures_this", str(n), title=f"Retired measure {n}")
    client = world.client("coordinator")
    client.get(reverse("planning:plan"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("planning:plan"))
    assert response.content.decode().count("Measure no longer available") == 6


def test_an_objective_of_another_program_is_not_found(world, test_measures) -> None:
    other = objective(world.program_b, world.outsider, "test.families_new", "1")
    client = world.client("coordinator")
    assert client.get(reverse("planning:objective_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("planning:objective_remove", args=[other.pk])).status_code == 404
    assert Objective.objects.filter(pk=other.pk).exists()


def test_removing_an_objective_keeps_it_in_the_earlier_versions(world, test_measures) -> None:
    mine = objective(
        world.program_a, world.coordinator, "test.families_new", "1", title="Gone soon"
    )
    response = world.client("supervisor").post(reverse("planning:objective_remove", args=[mine.pk]))
    assert response.status_code == 302 and not Objective.objects.exists()
    first, second = PlanVersion.objects.order_by("number")
    assert "Gone soon" in first.content["objectives"] and second.content["objectives"] == ""
    assert AuditEvent.objects.filter(action="planning.objective.deleted").count() == 1
