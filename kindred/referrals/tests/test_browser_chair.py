"""From the coordinator's chair, in a real browser: the searchable condition picker finds
"Preterm newborn" from "prematuro", the referral page opens with the contact attempt and the
key facts, reaching the family accepts the referral in one step, and a call-back date puts the
referral on top of the queue. Screenshots at 360 and 1280 px (KINDRED_SCREENSHOTS)."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.families.models import Condition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("KINDRED_SCREENSHOTS", tempfile.gettempdir())) / "kindred-referrals"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width + 1, f"{name} scrolls sideways at {width} px ({scroll})"


def test_the_coordinator_works_a_referral_from_the_attempt(page, live_server, browser) -> None:
    world = build_world()
    # The starter list (families migration 0003) holds both.
    assert Condition.objects.filter(code__in=["P07.30", "Q90.9"]).count() == 2
    sign_in(page, live_server, "referrer@a.test")
    page.goto(live_server.url + "/referrals/new/")
    page.select_option("#id_program", str(world.program_a.pk))
    page.fill("#id_caregiver_first_name", "Rosa")
    page.fill("#id_caregiver_last_name", "Benítez")
    page.fill("#id_phone", "555-123-9876")
    page.select_option("#id_language", "es")
    page.fill("#id_child_first_name", "Nico")
    search = page.get_by_label("Search: a word you use, in English or Spanish")
    search.fill("prematuro")
    assert page.get_by_label(re.compile("Preterm newborn")).is_visible()
    assert not page.get_by_label(re.compile("Down syndrome")).is_visible()
    search.fill("preemie")
    page.get_by_label(re.compile("Preterm newborn")).check()
    page.get_by_label("New diagnosis").check()
    page.select_option("#id_urgency", "urgent")
    page.get_by_label("The family agrees that the program contacts them").check()
    page.fill("#id_referrer_reference", "MRN 4471")
    page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_text(re.compile(r"Referral R-\d+ sent")).is_visible()
    assert page.get_by_role("link", name="Rosa Benítez (Nico)").is_visible()
    assert page.get_by_text(re.compile("MRN 4471")).is_visible()

    coordinator = browser.new_context().new_page()
    sign_in(coordinator, live_server, "coordinator@a.test")
    coordinator.goto(live_server.url + "/referrals/queue/")
    row = coordinator.get_by_role("row", name=re.compile("Benítez"))
    assert (
        row.get_by_text("Urgent").is_visible() and row.get_by_text("Preterm newborn").is_visible()
    )
    shot(coordinator, "queue")
    row.get_by_role("link", name=re.compile("Benítez")).click()
    facts = coordinator.get_by_role("list", name="At a glance")
    assert facts.get_by_text("Urgent (family in crisis)").is_visible()
    assert facts.get_by_text("Preterm newborn").is_visible()
    shot(coordinator, "referral")
    coordinator.select_option("#id_attempt-outcome", "no-answer")
    coordinator.fill("#id_attempt-next_attempt_on", timezone.localdate().isoformat())
    coordinator.get_by_role("button", name="Save the attempt").click()
    assert coordinator.get_by_text("Contact attempt saved.").is_visible()
    coordinator.goto(live_server.url + "/referrals/queue/")
    assert coordinator.get_by_role("heading", name=re.compile("Next attempt due: 1")).is_visible()
    shot(coordinator, "queue-callback")
    coordinator.get_by_role("link", name=re.compile("Benítez")).first.click()
    coordinator.select_option("#id_attempt-outcome", "reached")
    coordinator.get_by_label("Reached: accept the referral now").check()
    coordinator.get_by_role("button", name="Save the attempt").click()
    assert coordinator.get_by_text("Contact attempt saved; the referral is accepted.").is_visible()
