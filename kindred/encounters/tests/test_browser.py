"""The journey in a real browser on a 360 px phone: a mentor opens a family's page, logs an
encounter with two support types and three themes on one screen and flags a concern; the
supervisor sees it in the queue and resolves it; the program report opens as a coordinator (every
number) and as an evaluator (aggregates only). Every tap and typed field is counted. axe-core
checks every page reached; screenshots at 360 and 1280 px (KINDRED_SCREENSHOTS=dir)."""

import os
from pathlib import Path

import pytest

from kindred.core.testing.browser import install_axe, settle_axe, sign_in
from kindred.core.testing.personas import build_world
from kindred.encounters.codebook import ensure_codebook
from kindred.encounters.models import Encounter
from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family
from kindred.mentors.services import program_ensure_mentor_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KINDRED_SCREENSHOTS", "")
# The interactions of the logging itself (from the family page to the saved encounter):
# open the form, where, how, two support types, three themes, save. Who reached out defaults
# to the mentor, date and time to now, the family to the page it was opened from.
EXPECTED_TAPS = 9


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways on a phone ({width}px)"


def test_a_mentor_logs_an_encounter_and_a_concern_the_supervisor_resolves(
    live_server, browser
) -> None:
    world = build_world()
    program_ensure_mentor_lists(program=world.program_a)
    ana = matchable_mentor(world, name="Ana Mentor", email="mentor@a.test", user=world.mentor)
    family = waiting_family(world, name="Quintero")
    active_match(world, family, ana)
    ensure_codebook(world.program_a)

    phone_context = browser.new_context(viewport={"width": 360, "height": 800})
    phone_axe = install_axe(phone_context)
    phone = phone_context.new_page()
    sign_in(phone, live_server, "mentor@a.test")
    taps = 0

    def tap(locator) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    phone.goto(live_server.url + family.get_absolute_url())
    settle_axe(phone)
    tap(phone.get_by_role("link", name="Log a contact").first)
    phone.get_by_role("heading", name="Log a contact").wait_for()
    settle_axe(phone)
    no_sideways_scroll(phone, "the encounter form")
    shot(phone, "encounter-form-360")
    assert phone.get_by_role("checkbox", name="Quintero", exact=True).is_checked()
    tap(phone.get_by_label("Inpatient unit", exact=True))
    tap(phone.get_by_label("In person", exact=True))
    tap(phone.get_by_label("Emotional", exact=True))
    tap(phone.get_by_label("Tangible / instrumental", exact=True))
    tap(phone.get_by_label("Care coordination and management needs", exact=True))
    tap(phone.get_by_label("Worry and stress about the child and family", exact=True))
    tap(phone.get_by_label("Stress management and self-care", exact=True))
    logging_taps = taps + 1  # and Save
    # The concern: open the section, choose its kind, say what worries.
    tap(phone.get_by_text("Flag a concern"))
    tap(phone.get_by_label("Safety", exact=True))
    phone.get_by_label("What worries you").fill("Mother said she does not feel safe at home.")
    taps += 1
    shot(phone, "encounter-form-filled-360")
    tap(phone.get_by_role("button", name="Save"))
    phone.get_by_text("A supervisor has been told of the concern.").wait_for()
    settle_axe(phone)
    no_sideways_scroll(phone, "the encounter page")
    shot(phone, "encounter-detail-360")
    assert logging_taps == EXPECTED_TAPS
    assert taps == EXPECTED_TAPS + 3
    encounter = Encounter.objects.get()
    assert sorted(encounter.supports.values_list("support_type", flat=True)) == [
        "emotional",
        "tangible",
    ]
    assert encounter.themes.count() == 3
    escalation = encounter.escalation
    assert escalation is not None and escalation.status == "open"
    phone.goto(live_server.url + "/")
    settle_axe(phone)
    no_sideways_scroll(phone, "the home page")
    shot(phone, "home-mentor-360")
    phone.goto(live_server.url + "/encounters/me/")
    settle_axe(phone)
    no_sideways_scroll(phone, "the mentor's page")
    shot(phone, "mentor-page-360")

    sup_context = browser.new_context(viewport={"width": 360, "height": 800})
    sup_axe = install_axe(sup_context)
    supervisor = sup_context.new_page()
    sign_in(supervisor, live_server, "supervisor@a.test")
    supervisor.goto(live_server.url + "/mentors/supervision/")
    settle_axe(supervisor)
    shot(supervisor, "queue-360")
    supervisor.locator(f"a[href='/mentors/supervision/escalations/{escalation.pk}/']").first.click()
    supervisor.get_by_label("What was done").fill("Called the mother with the social worker.")
    supervisor.get_by_role("button", name="Resolve").click()
    supervisor.get_by_text("Resolved").first.wait_for()
    settle_axe(supervisor)
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.resolved_by == world.supervisor
    supervisor.goto(live_server.url + f"/encounters/{encounter.pk}/")
    settle_axe(supervisor)
    assert "does not feel safe" in supervisor.content()  # supervisors read the notes
    shot(supervisor, "encounter-supervisor-360")

    # The coordinator's pages at both widths, then the program report as the coordinator (every
    # number) and as the evaluator (aggregates only: one encounter is a small count).
    recorders = [phone_axe, sup_axe]
    match_id = encounter.family_links.get().match_id
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        recorders.append(install_axe(context))
        coordinator = context.new_page()
        sign_in(coordinator, live_server, "coordinator@a.test")
        for path, name in (
            (f"/encounters/new/?family={family.pk}", "encounter-form"),
            ("/encounters/", "encounters"),
            (f"/encounters/{encounter.pk}/", "encounter-detail"),
            ("/encounters/codebook/", "codebook"),
            (f"/matching/match/{match_id}/", "match-contacts"),
            ("/reports/", "report-coordinator"),
        ):
            coordinator.goto(live_server.url + path)
            settle_axe(coordinator)
            if width == 360:
                no_sideways_scroll(coordinator, path)
            shot(coordinator, f"{name}-{width}")
        assert report_cell(coordinator, "Encounters") == "1"
        assert report_cell(coordinator, "Families") == "1"
        context.close()

        context = browser.new_context(viewport={"width": width, "height": 900})
        recorders.append(install_axe(context))
        evaluator = context.new_page()
        sign_in(evaluator, live_server, "evaluator@a.test")
        evaluator.goto(live_server.url + "/reports/")
        settle_axe(evaluator)
        if width == 360:
            no_sideways_scroll(evaluator, "the report as the evaluator")
        shot(evaluator, f"report-evaluator-{width}")
        assert report_cell(evaluator, "Encounters") == "<11"
        assert report_cell(evaluator, "Families") == "<11"
        # Every count of a breakdown suppressed: no chart, a sentence instead.
        assert evaluator.get_by_text("Every count here is too small to show").count() >= 1
        html = evaluator.content()
        for identifying in ("Quintero", "Ana Mentor", "does not feel safe"):
            assert identifying not in html
        response = evaluator.goto(live_server.url + f"/encounters/{encounter.pk}/")
        assert response is not None and response.status in (403, 404)
        context.close()
    for recorder in recorders:
        assert recorder.checked and not recorder.blocking(), recorder.blocking()


def report_cell(page, row: str) -> str:
    """The first period's value of a row of the report's "In numbers" table."""
    table = page.locator("table", has=page.locator("caption", has_text="In numbers"))
    return (
        table.locator("tr", has=page.get_by_role("rowheader", name=row, exact=True))
        .locator("td")
        .first.inner_text()
        .strip()
    )
