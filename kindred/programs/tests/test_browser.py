"""The first ten minutes of a new installation, in a real browser: from an empty database with
one organization administrator, start a program on a phone and invite its first coordinator,
who accepts the invitation. axe-core checks every page (the `page` fixture)."""

import re

import pytest
from django.core import mail

from kindred.accounts.models import User
from kindred.core.testing.browser import keep_screenshot, settle_axe, sign_in
from kindred.programs.models import Membership, Organization, OrganizationMembership, Program
from kindred.programs.roles import OrganizationRole, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    settle_axe(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a phone ({width}px)"


def test_an_administrator_starts_the_first_program_on_a_phone(page, live_server) -> None:
    assert not Program.objects.exists()
    organization = Organization.objects.create(name="Heartland Children's", slug="heartland")
    admin = User.objects.create_user(
        "admin@heartland.test", "a long admin passphrase", full_name="Dana Admin"
    )
    OrganizationMembership.objects.create(
        user=admin, organization=organization, role=OrganizationRole.ADMIN
    )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "admin@heartland.test", "a long admin passphrase")
    page.get_by_text("Your organization has no program yet").wait_for()
    fits(page)
    keep_screenshot(page, "programs", "first-home-360")
    page.get_by_role("link", name="Start a program").click()
    page.get_by_role("heading", name="Start a program").wait_for()
    page.locator("#id_name").fill("Heartland Family Partners")
    page.locator("#id_scope").select_option("hospital_wide")
    page.locator("#id_mentor_title").fill("Family Partner")
    page.locator("#id_mentor_title_es").fill("Compañera de Familia")
    page.locator("#id_languages_text").fill("English, Spanish, Vietnamese")
    page.locator("#id_match_target_hours").fill("72")
    page.locator("#id_coordinator_email").fill("rosa@heartland.test")
    fits(page)
    keep_screenshot(page, "programs", "create-360")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the program and invite its coordinator").click()
    page.wait_for_url(re.compile(r"/program/members/"))
    fits(page)
    keep_screenshot(page, "programs", "members-after-create-360")
    program = Program.objects.get(name="Heartland Family Partners")
    assert program.organization == organization and program.languages == ["en", "es", "vi"]

    # The coordinator opens the invitation from the e-mail and joins.
    [invitation] = [m for m in mail.outbox if m.to == ["rosa@heartland.test"]]
    link = re.search(r"https?://\S+/accounts/invitation/\S+", invitation.body)
    assert link is not None, invitation.body
    page.context.clear_cookies()
    page.goto(live_server.url + link.group(0)[link.group(0).index("/accounts/") :])
    page.locator("#id_full_name").fill("Rosa Martínez")
    page.locator("#id_password1").fill("another long passphrase 42")
    page.locator("#id_password2").fill("another long passphrase 42")
    fits(page)
    keep_screenshot(page, "programs", "accept-invitation-360")
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_load_state()
    settle_axe(page)
    assert Membership.objects.filter(
        program=program, user__email="rosa@heartland.test", role=Role.COORDINATOR, is_active=True
    ).exists()
