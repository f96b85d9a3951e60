"""The journey in a real browser: a coordinator creates a monthly group and cancels one of its
sessions, registers two families (one goes to the waitlist), cancels a registration and sees
the waitlisted family promoted and notified, takes attendance on a 360 px phone, and sees it in
the family's story. axe-core checks every page reached (the `page` fixture)."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.groups.models import Attendance, Registration, SupportGroup
from kindred.groups.tests.factories import make_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("KINDRED_SCREENSHOTS", tempfile.gettempdir())) / "kindred-groups"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_coordinator_runs_a_monthly_group_from_creation_to_attendance(page, live_server) -> None:
    world = build_world()
    program = world.program_a
    make_family(program, world.coordinator, "Ames", email="ames@example.test")
    baker = make_family(
        program, world.coordinator, "Baker", email="baker@example.test", language="es"
    )
    sign_in(page, live_server, "coordinator@a.test")

    # A monthly group: the second Tuesday, one place.
    page.goto(live_server.url + "/groups/new/")
    page.locator("#id_name").fill("Heart parents circle")
    page.locator("#id_name_es").fill("Círculo de padres de corazón")
    page.locator("#id_capacity").fill("1")
    page.locator("#id_first_date").fill("2030-01-08")
    page.locator("#id_start_time").fill("18:00")
    page.locator("#id_pattern").select_option("monthly")
    page.locator("#id_place").fill("Riverbend Children's, room 4B")
    page.get_by_label("Childcare or respite offered").check()
    page.get_by_role("button", name="Save group").click()
    assert page.get_by_text("Group saved.").is_visible()
    assert page.get_by_text("Every month, on the second Tuesday").is_visible()
    group = SupportGroup.objects.get(name="Heart parents circle")
    assert group.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    page.locator("#id_to").select_option("published")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_text("Status changed to “Published”").is_visible()
    shot(page, "group-1280")

    # An exception: the February session is cancelled.
    page.get_by_role("link", name=re.compile("Tuesday 12 February 2030")).click()
    page.locator("#id_reason").fill("Winter break")
    page.get_by_role("button", name="Cancel this session").click()
    assert page.get_by_text("Session cancelled").is_visible()
    page.get_by_role("link", name="The group").click()
    assert not page.get_by_role("link", name=re.compile("12 February 2030")).count()

    # Two families for one place: the second waits.
    page.locator("#id_family").select_option(label="Ames")
    page.get_by_role("button", name="Register", exact=True).click()
    assert page.get_by_text("Ames is registered.").is_visible()
    page.locator("#id_family").select_option(label="Baker")
    page.get_by_role("button", name="Register", exact=True).click()
    assert page.get_by_text("The group is full: Baker is on the waitlist.").is_visible()
    assert page.get_by_role("heading", name="Waitlist (1)").is_visible()

    # Ames cancels: Baker is promoted and told, in Spanish.
    page.get_by_role("button", name="Cancel Ames").click()
    assert page.get_by_text("Baker moved from the waitlist to a place and was told.").is_visible()
    assert Registration.objects.get(family=baker, status="registered")
    notice = [m for m in mail.outbox if m.to == ["baker@example.test"]]
    assert len(notice) == 1 and "Heart" not in notice[0].subject and "lugar" in notice[0].subject

    # Attendance on a phone.
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("link", name=re.compile("Tuesday 8 January 2030")).click()
    page.get_by_role("link", name="Take attendance").click()
    page.get_by_role("button", name="Baker: not marked").click()
    assert page.get_by_role("button", name="Baker: here").is_visible()
    page.locator("#id_family").select_option(label="Ames")
    page.get_by_role("button", name="Add and mark here").click()
    assert page.get_by_text("Ames added as a walk-in.").is_visible()
    assert page.get_by_text("2 families here").is_visible()
    shot(page, "attendance-360")
    assert Attendance.objects.filter(present=True).count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the attendance page scrolls sideways on a phone ({width}px)"

    # The family's story shows it.
    page.goto(live_server.url + baker.get_absolute_url())
    assert page.get_by_text("Came to a support group session").first.is_visible()
    shot(page, "story-360")
    page.goto(live_server.url + f"/groups/{group.pk}/")
    shot(page, "group-360")
    page.goto(live_server.url + f"/groups/join/{program.slug}/{group.pk}/")
    assert page.get_by_text("Full").first.is_visible()
    shot(page, "public-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/groups/calendar/")
    shot(page, "calendar-1280")
