"""Showing a planning page writes nothing: no plan, objective, version, assessment or answer is
created by a GET (the first save creates the plan), and no audit row is written (the planning
pages read no PHI). Each page is read for a program without a plan, then with one."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.planning.models import Objective, ProgramPlan, ReadinessAssessment
from kindred.planning.services import assessment_start, objective_save, plan_for, plan_save

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    found = {m._meta.label: m.objects.count() for m in apps.get_app_config("planning").get_models()}
    found["audit"] = AuditEvent.objects.count()
    return found


def _pages(world) -> list[str]:
    urls = [
        reverse("planning:plan"),
        reverse("planning:plan") + "?start=2026-01-01&end=2026-06-30",
        reverse("planning:plan_edit"),
        reverse("planning:plan_pdf") + "?lang=es",
        reverse("planning:versions"),
        reverse("planning:objective_new"),
        reverse("planning:readiness"),
        reverse("planning:readiness_compare"),
    ]
    plan = ProgramPlan.objects.filter(program=world.program_a).first()
    if plan is not None:
        urls += [reverse("planning:version", args=[v.pk]) for v in plan.versions.all()]
        urls += [reverse("planning:objective_edit", args=[o.pk]) for o in plan.objectives.all()]
    for assessment in ReadinessAssessment.objects.filter(program=world.program_a):
        urls.append(reverse("planning:assessment", args=[assessment.pk]))
    return urls


@pytest.mark.parametrize("with_plan", [False, True])
def test_a_get_on_every_planning_page_writes_no_row(world, with_plan) -> None:
    if with_plan:
        plan = plan_for(world.program_a)
        plan_save(plan=plan, data={"mission": "Nobody alone."}, by=world.coordinator)
        objective_save(
            objective=Objective(plan=plan, title="Calls", measure_key="x.y", target=Decimal(3)),
            by=world.coordinator,
            fields=["title"],
        )
        assessment_start(program=world.program_a, by=world.coordinator)
    client = world.client("coordinator")
    before = _counts()
    pages = _pages(world)
    assert len(pages) >= (11 if with_plan else 8)
    for url in pages:
        response = client.get(url)
        # The PDF export is the one GET that records (an export, audited); counted below.
        assert response.status_code in {200, 400}, url
    after = _counts()
    exports = AuditEvent.objects.filter(action="planning.programplan.exported").count()
    assert exports == 1
    after["audit"] -= exports
    assert after == before
    assert ProgramPlan.objects.filter(program=world.program_a).exists() is with_plan


def test_the_first_objective_posted_creates_the_plan(world, test_measures) -> None:
    client = world.client("coordinator")
    assert client.get(reverse("planning:objective_new")).status_code == 200
    assert not ProgramPlan.objects.filter(program=world.program_a).exists()
    response = client.post(
        reverse("planning:objective_new"),
        {
            "title": "New",
            "measure_key": "test.families_new",
            "comparison": "at_least",
            "target": "3",
        },
    )
    assert response.status_code == 302
    plan = ProgramPlan.objects.get(program=world.program_a)
    assert [o.title for o in plan.objectives.all()] == ["New"] and plan.version == 1
