"""The demo's plan (loads twice the same) and the coordinator's home card."""

import pytest
from django.urls import reverse

from kindred.core.testing.personas import PASSWORD
from kindred.lib.demo import DemoContext
from kindred.planning import demo
from kindred.planning.models import Objective, PlanVersion, ReadinessAssessment
from kindred.planning.tests.factories import objective

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_five_objectives_and_completed_assessments(world) -> None:
    ctx = DemoContext(
        organization=world.org_a,
        program=world.program_a,
        users={"coordinator": world.coordinator},
        password=PASSWORD,
    )
    demo.load(ctx)
    counts = (
        Objective.objects.count(),
        PlanVersion.objects.count(),
        ReadinessAssessment.objects.count(),
    )
    demo.load(ctx)
    assert (
        Objective.objects.count(),
        PlanVersion.objects.count(),
        ReadinessAssessment.objects.count(),
    ) == counts
    assert counts[0] == 5
    assessments = list(ReadinessAssessment.objects.order_by("completed_at"))
    assert [a.status for a in assessments] == ["completed", "completed"]
    assert assessments[0].completed_at < assessments[1].completed_at
    page = world.client("coordinator").get(reverse("planning:readiness_compare"))
    assert page.status_code == 200 and page.context["later"] == assessments[1]


def test_the_home_card_names_the_objectives_off_target(world, test_measures) -> None:
    objective(
        world.program_a, world.coordinator, "test.families_new", "10", title="Ten new families"
    )
    objective(
        world.program_a,
        world.coordinator,
        "test.families_new",
        "10",
        title="At most ten",
        comparison="at_most",
    )
    html = world.client("coordinator").get(reverse("core:home")).content.decode()
    assert "1 of 2 objectives is off target this year" in html
    assert "Ten new families" in html and "At most ten" not in html
    assert "off target" not in world.client("evaluator").get(reverse("core:home")).content.decode()
