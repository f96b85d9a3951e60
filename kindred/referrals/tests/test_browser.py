"""The loop closes, in a real browser: a referrer refers a family in one screen, the
coordinator sees it in the queue, logs a contact attempt and accepts it, and the referrer sees
the new status."""

import re

import pytest

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_closes_the_loop_from_referrer_to_coordinator_and_back(page, live_server, browser):
    world = build_world()
    sign_in(page, live_server, "referrer@a.test")
    page.locator("main").get_by_role("link", name="Refer a family").first.click()
    assert page.get_by_role("heading", name="Refer a family").is_visible()
    page.select_option("#id_program", str(world.program_a.pk))
    page.fill("#id_caregiver_first_name", "Rosa")
    page.fill("#id_caregiver_last_name", "Benítez")
    page.fill("#id_phone", "555-123-9876")
    page.select_option("#id_language", "es")
    page.fill("#id_child_first_name", "Nico")
    page.fill("#id_child_birth_date", "2025-09-14")
    page.get_by_label("New diagnosis").check()
    page.fill("#id_looking_for", "Another parent whose baby has Down syndrome")
    page.get_by_label("The family agrees that the program contacts them").check()
    page.get_by_label("The family agrees that I see the status of this referral").check()
    page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_text(re.compile(r"Referral R-\d+ sent to Program A")).is_visible()
    row = page.get_by_role("row", name=re.compile("Program A"))
    assert row.get_by_text("Requested").is_visible()

    coordinator = browser.new_context().new_page()
    sign_in(coordinator, live_server, "coordinator@a.test")
    coordinator.locator("main").get_by_role("link", name="Referral queue").first.click()
    queue_row = coordinator.get_by_role("row", name=re.compile("Benítez"))
    assert queue_row.get_by_text("On time").is_visible()
    queue_row.get_by_role("link", name=re.compile("Benítez")).click()
    coordinator.get_by_text("Log a contact attempt").click()
    coordinator.select_option("#id_attempt-method", "phone")
    coordinator.select_option("#id_attempt-outcome", "reached")
    coordinator.fill("#id_attempt-note", "Mom glad to hear from us")
    coordinator.get_by_role("button", name="Save the attempt").click()
    assert coordinator.get_by_text("Contact attempt saved.").is_visible()
    coordinator.select_option("#id_status-to", "accepted")
    coordinator.get_by_role("button", name="Change the status").click()
    assert coordinator.get_by_text("The referral is now: Accepted.").is_visible()

    page.reload()
    row = page.get_by_role("row", name=re.compile("Program A"))
    assert row.get_by_text("Accepted").is_visible()
    assert page.get_by_text("Mom glad to hear from us").count() == 0


def test_it_takes_a_self_referral_on_a_phone_in_spanish(page, live_server) -> None:
    world = build_world()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + f"/referrals/ask/{world.program_a.slug}/")
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Change language").click()
    assert page.get_by_role("heading", name=re.compile("Pida apoyo a Program A")).is_visible()
    page.fill("#id_caregiver_first_name", "Lucía")
    page.fill("#id_phone", "555-222-3333")
    page.get_by_role("button", name="Enviar mi solicitud").click()
    assert page.get_by_text("Por favor, marque la casilla").is_visible()
    page.get_by_label(re.compile("el programa puede llamarme")).check()
    page.get_by_role("button", name="Enviar mi solicitud").click()
    assert page.get_by_role("heading", name="Gracias. Recibimos su solicitud.").is_visible()
    assert page.get_by_text(re.compile("en un plazo de 48 horas")).is_visible()
