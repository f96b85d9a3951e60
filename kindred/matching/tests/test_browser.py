"""The journey in a real browser: the coordinator opens a waiting family, reads the ranked
mentors with their reasons, approves the top one; the mentor signs in on a 360 px phone and
accepts; the family's page shows the active match. axe-core checks every page reached."""

import os
from pathlib import Path

import pytest

from kindred.core.testing.browser import install_axe, settle_axe
from kindred.core.testing.personas import PASSWORD, build_world
from kindred.matching.models import Match
from kindred.matching.tests.factories import matchable_mentor, vocabulary, waiting_family
from kindred.mentors.services import program_ensure_mentor_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Screenshots to look at (360 and 1280 px): KINDRED_SCREENSHOTS=<dir>; none by default.
SHOTS = os.environ.get("KINDRED_SCREENSHOTS", "")


def sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_waiting_family_is_matched_and_the_mentor_accepts_on_a_phone(
    live_server, browser
) -> None:
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
        experiences=(vocab["nicu"],),
    )
    matchable_mentor(world, name="Bea Mentor", email="bea@a.test", languages=["en"])
    family = waiting_family(
        world, conditions=(vocab["heart"],), experiences=(vocab["nicu"],), hours_ago=60
    )

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk_axe = install_axe(desk)
    coordinator = desk.new_page()
    sign_in(coordinator, live_server, "coordinator@a.test")
    coordinator.goto(live_server.url + "/matching/")
    settle_axe(coordinator)
    assert coordinator.get_by_text("Overdue").first.is_visible()
    shot(coordinator, "waiting-1280")
    coordinator.get_by_role("link", name=family.name).click()
    coordinator.get_by_role("heading", name="Ranked mentors").wait_for()
    settle_axe(coordinator)
    first = coordinator.locator("ol.matching-list > li").first
    assert "Ana Mentor" in first.inner_text()
    assert first.locator(".matching-reasons li.met").count() >= 1
    shot(coordinator, "ranked-1280")
    first.get_by_role("button", name="Approve and offer to Ana Mentor").click()
    coordinator.get_by_text("Offered to the mentor").first.wait_for()
    settle_axe(coordinator)
    match = Match.objects.get()
    assert match.status == "offered"

    phone_context = browser.new_context(viewport={"width": 360, "height": 800})
    phone_axe = install_axe(phone_context)
    phone = phone_context.new_page()
    sign_in(phone, live_server, "mentor@a.test")
    phone.goto(live_server.url + "/matching/offers/")
    settle_axe(phone)
    shot(phone, "offers-360")
    phone.get_by_role("link", name="Read and answer").click()
    phone.get_by_role("heading", name="A family is waiting for you").wait_for()
    settle_axe(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the offer page scrolls sideways on a phone ({width}px)"
    shot(phone, "offer-360")
    phone.get_by_label("Yes, I will support this family").check()
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Accepted by the mentor").first.wait_for()
    settle_axe(phone)
    match.refresh_from_db()
    assert match.status == "accepted"

    coordinator.goto(live_server.url + f"/matching/match/{match.pk}/")
    coordinator.get_by_role("button", name="Introduce mentor and family").click()
    coordinator.get_by_role("button", name="They have met: the match is active").click()
    coordinator.get_by_text("Active since").wait_for()
    settle_axe(coordinator)
    shot(coordinator, "match-1280")
    coordinator.goto(live_server.url + family.get_absolute_url())
    assert coordinator.get_by_text("Ana Mentor · Active").is_visible()
    settle_axe(coordinator)

    # The same pages on a coordinator's phone.
    small = browser.new_context(viewport={"width": 360, "height": 800})
    small_axe = install_axe(small)
    mobile = small.new_page()
    sign_in(mobile, live_server, "coordinator@a.test")
    for path, name in (
        (f"/matching/family/{family.pk}/", "ranked-360"),
        ("/matching/", "waiting-360"),
        ("/matching/settings/", "settings-360"),
        (f"/matching/match/{match.pk}/", "match-360"),
    ):
        mobile.goto(live_server.url + path)
        settle_axe(mobile)
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 360, path
        shot(mobile, name)
    for recorder in (desk_axe, phone_axe, small_axe):
        assert recorder.checked and not recorder.blocking(), recorder.blocking()
