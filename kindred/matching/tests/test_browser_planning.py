"""The batch and coverage pages in a real browser, on a coordinator's 360 px phone: run the
batch, read the proposal, approve it; then the roster's gaps. axe-core on every page."""

import os
from pathlib import Path

import pytest

from kindred.core.testing.browser import install_axe, settle_axe, sign_in
from kindred.core.testing.personas import build_world
from kindred.matching.models import Match
from kindred.matching.tests.factories import matchable_mentor, vocabulary, waiting_family
from kindred.mentors.services import program_ensure_mentor_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KINDRED_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_coordinator_runs_reviews_and_approves_a_batch_on_a_phone(live_server, browser):
    world = build_world()
    program_ensure_mentor_lists(program=world.program_a)
    vocab = vocabulary()
    matchable_mentor(
        world,
        name="Ana Mentor",
        email="mentor@a.test",
        user=world.mentor,
        languages=["es", "en"],
        conditions=(vocab["heart"],),
    )
    family = waiting_family(world, conditions=(vocab["heart"],), hours_ago=60)
    waiting_family(world, name="Nguyen", language="vi", mentor_language="vi", hours_ago=10)

    context = browser.new_context(viewport={"width": 360, "height": 800})
    axe = install_axe(context)
    page = context.new_page()
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(live_server.url + "/matching/batch/")
    settle_axe(page)
    shot(page, "batch-360")
    page.get_by_role("button", name="Propose matches for the waiting families").click()
    page.get_by_role("heading", name="Batch matching proposal").wait_for()
    settle_axe(page)
    card = page.locator("li.matching-card").filter(has=page.get_by_role("checkbox"))
    assert family.name in card.inner_text() and "Ana Mentor" in card.inner_text()
    assert card.get_by_role("checkbox").is_checked()
    assert (
        page.get_by_text("families it could not match")
        .or_(page.get_by_text("family it could not match"))
        .first.is_visible()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "batch-run-360")
    page.get_by_role("button", name="Approve the ticked pairs and offer them").click()
    page.get_by_text("1 match approved and offered to its mentor.").wait_for()
    settle_axe(page)
    assert Match.objects.get().status == "offered"
    page.goto(live_server.url + "/matching/coverage/")
    settle_axe(page)
    assert page.get_by_role("link", name="Recruit mentors: the application page").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "coverage-360")
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk_axe = install_axe(desk)
    wide = desk.new_page()
    sign_in(wide, live_server, "coordinator@a.test")
    wide.goto(page.url.replace("/coverage/", "/batch/"))
    wide.get_by_role("link").filter(has_text=":").first.click()
    settle_axe(wide)
    shot(wide, "batch-run-1280")
    for recorder in (axe, desk_axe):
        assert recorder.checked and not recorder.blocking(), recorder.blocking()
