"""Journeys in a real browser: sign in, switch language, manage members, sign out."""

import re

import pytest
from django.core import mail

from kindred.core.testing.browser import open_menu, sign_in
from kindred.core.testing.personas import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_switches_language_and_signs_out(page, live_server) -> None:
    build_world()
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    # The sign-in page offers both languages.
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    assert page.get_by_role("heading", name="Inicie sesión en Kindred").is_visible()
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()

    sign_in(page, live_server, "coordinator@a.test")
    assert page.get_by_role("heading", name=re.compile("Welcome")).is_visible()
    open_menu(page)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    assert page.get_by_role("heading", name=re.compile("Bienvenida|Bienvenido")).is_visible()

    open_menu(page)
    page.get_by_role("button", name="Cerrar sesión").click()
    assert page.get_by_text("Ha cerrado la sesión").is_visible()
    page.goto(live_server.url + "/program/members/")
    assert "/accounts/login/" in page.url


def test_it_invites_a_member_who_joins_and_is_then_deactivated(page, live_server, browser) -> None:
    build_world()
    sign_in(page, live_server, "coordinator@a.test")
    page.locator("main").get_by_role("link", name="Members").first.click()
    page.get_by_label("E-mail").fill("new.partner@a.test")
    page.get_by_label("Role (required)").select_option("mentor")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to new.partner@a.test").is_visible()

    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Full name").fill("Maria Lopez")
    newcomer.get_by_label("Password (required)", exact=True).fill("short")
    newcomer.get_by_label("Password again (required)").fill("short")
    newcomer.get_by_role("button", name="Accept the invitation").click()
    assert newcomer.get_by_text("at least 12 characters").first.is_visible()
    newcomer.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Password again (required)").fill(PASSWORD)
    newcomer.get_by_role("button", name="Accept the invitation").click()
    assert newcomer.get_by_role("heading", name=re.compile("Welcome, Maria")).is_visible()

    page.reload()
    row = page.get_by_role("row", name=re.compile("Maria Lopez"))
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Deactivate").click()
    assert page.get_by_text("Maria Lopez no longer has access").is_visible()

    # Her session ended at once: the next page sends her to sign in.
    newcomer.goto(live_server.url + "/")
    assert "/accounts/login/" in newcomer.url


def test_a_coordinator_enrols_in_two_step_sign_in_on_a_phone(page, live_server) -> None:
    import base64

    from django_otp.oath import TOTP

    from kindred.accounts import second_factor

    world = build_world()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill("coordinator@a.test")
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Enrolment comes first: the key the page shows is what the authenticator app reads.
    assert page.get_by_role("heading", name="Set up two-step sign-in").is_visible()
    page.screenshot(path="var/test-artifacts/two-step-setup-360.png", full_page=True)
    key = page.locator("code.secret").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))

    def code(offset: int = 0) -> str:
        totp = TOTP(secret)
        totp.time += offset * 30
        return f"{totp.token():06d}"

    page.get_by_label("Code from the app").fill(code())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="I have kept my codes").click()
    assert page.get_by_role("heading", name=re.compile("Welcome")).is_visible()
    assert second_factor.is_enrolled(world.coordinator)

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill("coordinator@a.test")
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Two-step sign-in").is_visible()
    page.get_by_label("Code").fill("000000" if code(1) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("That code is not right").is_visible()
    page.screenshot(path="var/test-artifacts/two-step-wrong-code-360.png", full_page=True)
    page.goto(live_server.url + "/families/")
    assert "/accounts/two-step/" in page.url  # still owed
    # django-otp makes a person wait after a wrong code; the test lets the wait pass.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    page.get_by_label("Code").fill(code(1))  # the next step: the first code was used once
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Families").is_visible()
