"""The planning journey on a coordinator's 360 px phone: take the readiness assessment and
complete it, write the plan, add an objective on a live measure and read it by month, see the
version's changes; then the plan in Spanish. axe-core checks every page (the `page` fixture)."""

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from kindred.core.testing.browser import open_menu, settle_axe, sign_in
from kindred.core.testing.personas import build_world
from kindred.planning.models import Objective, PlanVersion, ReadinessAssessment
from kindred.planning.tests.factories import family_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("KINDRED_SCREENSHOTS", tempfile.gettempdir())) / "kindred-planning"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    settle_axe(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a phone ({width}px)"


def test_a_coordinator_assesses_readiness_and_plans_on_a_phone(page, live_server, test_measures):
    world = build_world()
    now = timezone.now()
    for day in (2, 3):
        family_on(
            world.program_a, world.coordinator, timezone.make_aware(datetime(now.year, 1, day))
        )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "coordinator@a.test")

    # Readiness: start, answer two items, complete.
    page.goto(live_server.url + "/planning/readiness/")
    fits(page)
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("heading", name="What to do next").wait_for()
    sponsor = page.get_by_role("group", name=re.compile("A leader of the organization sponsors"))
    sponsor.get_by_label("In place").check()
    budget = page.get_by_role("group", name=re.compile("The program has a budget"))
    budget.get_by_label("In progress").check()
    budget.get_by_label("Note").fill("Foundation grant applied for")
    fits(page)
    shot(page, "assessment-form-360")
    page.get_by_role("button", name="Save and complete").click()
    page.get_by_text("Assessment completed. It is kept as it is.").wait_for()
    assert ReadinessAssessment.objects.get().status == "completed"
    assert page.get_by_text("Foundation grant applied for").is_visible()
    fits(page)
    shot(page, "assessment-done-360")

    # The plan: write the WHY, save.
    page.goto(live_server.url + "/planning/")
    fits(page)
    page.get_by_role("link", name="Edit the plan").click()
    page.get_by_label("Mission").fill("No parent should face the first months alone.")
    fits(page)
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("Plan saved as version 1.").wait_for()

    # An objective on a live measure.
    page.get_by_role("link", name="Add an objective").click()
    page.get_by_label("Objective").fill("Three new families this year")
    page.get_by_label("Measure").select_option("test.families_new")
    page.get_by_label("Target").fill("3")
    fits(page)
    page.get_by_role("button", name="Save objective").click()
    page.get_by_text("Objective saved.").wait_for()
    assert Objective.objects.get().measure_key == "test.families_new"
    card = page.locator(".planning-objectives li").first
    assert "Off target" in card.inner_text() and "Now" in card.inner_text()
    card.get_by_text("By month", exact=True).click()
    assert card.get_by_role("cell", name="2", exact=True).first.is_visible()
    fits(page)
    shot(page, "plan-360")

    # In Spanish: the page chrome translated, the plan's own text as written.
    open_menu(page)  # the language switch is in the Menu on a phone
    page.locator("#language-switch").select_option("es")
    page.get_by_role("button", name="Change language").click()
    page.get_by_role("heading", name=re.compile("Plan del programa")).wait_for()
    assert page.get_by_text("No parent should face the first months alone.").is_visible()
    assert page.get_by_text("Fuera de la meta").is_visible()
    fits(page)
    shot(page, "plan-es-360")
    open_menu(page)
    page.locator("#language-switch").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    page.get_by_role("heading", name=re.compile("Program plan")).wait_for()

    # What changed in version 2.
    page.get_by_role("link", name="Versions").click()
    fits(page)
    page.get_by_role("link", name="Version 2").click()
    assert page.locator("ins").first.inner_text().strip().startswith("added:")
    assert PlanVersion.objects.count() == 2
    fits(page)
    shot(page, "version-360")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/planning/")
    settle_axe(page)
    shot(page, "plan-1280")
