"""Two-step sign-in: who must, enrolment, the code after the password, recovery codes,
remembered browsers, an administrator's reset, and the lockout a stranger cannot impose."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts import second_factor
from kindred.accounts.known_device import COOKIE as KNOWN_COOKIE
from kindred.accounts.models import RememberedDevice, User
from kindred.audit.log import record
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import PASSWORD
from kindred.core.testing.two_factor import authenticator, code_now, next_code, pass_second_step
from kindred.lib.demo import DEMO_DOMAIN
from kindred.programs.models import Membership
from kindred.programs.roles import Role

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def actions(prefix: str = "accounts.two_factor.") -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", flat=True)
    )


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # the wrong code's delay: its own test
def test_a_coordinator_without_an_app_enrols_before_anything_else(world) -> None:
    client = Client()
    sign_in(client, "coordinator@a.test")
    for path in ("/", "/families/", "/program/members/", "/accounts/profile/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-step/setup/")
    assert client.get("/api/me").status_code == 403
    page = client.get("/accounts/two-step/setup/")
    assert page.status_code == 200
    assert "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)

    wrong = client.post("/accounts/two-step/setup/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "does not match" in wrong.content.decode()
    assert not second_factor.is_enrolled(world.coordinator)

    before = client.session.session_key
    done = client.post("/accounts/two-step/setup/", {"code": code_now(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=world.coordinator).count() == 10
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    assert actions() == ["accounts.two_factor.enrolled", "accounts.two_factor.verified"]


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_an_enrolled_person_owes_a_code_after_the_password(world) -> None:
    device = authenticator(world.supervisor)
    client = Client()
    assert sign_in(client, "supervisor@a.test").status_code == 302
    response = client.get("/families/")
    assert response["Location"].startswith("/accounts/two-step/?next=")
    # Re-enrolling is no way round the code.
    assert client.get("/accounts/two-step/setup/")["Location"].startswith("/accounts/two-step/")

    wrong = client.post("/accounts/two-step/", {"code": "123456"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    assert client.get("/").status_code == 302
    right = client.post("/accounts/two-step/", {"code": code_now(device), "next": "/families/"})
    assert right.status_code == 302 and right["Location"] == "/families/"
    assert client.get("/families/").status_code == 200
    assert actions() == ["accounts.two_factor.failed", "accounts.two_factor.verified"]


def test_a_code_is_good_once(world) -> None:
    device = authenticator(world.supervisor)
    first, second = Client(), Client()
    code = code_now(device)
    for client in (first, second):
        sign_in(client, "supervisor@a.test")
    assert first.post("/accounts/two-step/", {"code": code}).status_code == 302
    assert second.post("/accounts/two-step/", {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once(world) -> None:
    codes = second_factor.new_recovery_codes(world.supervisor)
    authenticator(world.supervisor)
    client = Client()
    sign_in(client, "supervisor@a.test")
    response = client.post("/accounts/two-step/", {"code": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "9 are left" in response.content.decode()
    again = Client()
    sign_in(again, "supervisor@a.test")
    assert again.post("/accounts/two-step/", {"code": codes[0]}).status_code == 400


def test_it_remembers_a_browser_for_thirty_days_at_most(world) -> None:
    device = authenticator(world.supervisor)
    client = Client()
    sign_in(client, "supervisor@a.test")
    client.post("/accounts/two-step/", {"code": code_now(device), "remember": "on"})
    remembered = RememberedDevice.objects.get(user=world.supervisor)
    assert remembered.expires_at - remembered.created_at == timedelta(days=30)
    assert client.cookies[second_factor.REMEMBER_COOKIE]["max-age"] == 30 * 24 * 3600

    client.post("/accounts/logout/")
    sign_in(client, "supervisor@a.test")
    assert client.get("/families/").status_code == 200  # no code asked

    RememberedDevice.objects.update(
        created_at=timezone.now() - timedelta(days=31),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    client.post("/accounts/logout/")
    sign_in(client, "supervisor@a.test")
    assert client.get("/families/")["Location"].startswith("/accounts/two-step/")


def test_forgetting_browsers_asks_for_the_code_again(world) -> None:
    device = authenticator(world.supervisor)
    client = Client()
    sign_in(client, "supervisor@a.test")
    client.post("/accounts/two-step/", {"code": code_now(device), "remember": "on"})
    assert client.post("/accounts/two-step/forget/").status_code == 302
    assert not RememberedDevice.objects.exists()


def test_an_administrator_resets_a_lost_phone(world) -> None:
    authenticator(world.supervisor)
    second_factor.new_recovery_codes(world.supervisor)
    supervisor = Client()
    sign_in(supervisor, "supervisor@a.test")
    pass_second_step(supervisor, world.supervisor)
    membership = Membership.objects.get(user=world.supervisor, program=world.program_a)

    response = world.client("coordinator").post(f"/program/members/{membership.pk}/two-step/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.supervisor).exists()
    assert not StaticToken.objects.filter(device__user=world.supervisor).exists()
    assert supervisor.get("/families/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert (event.actor_id, event.object_id) == (world.coordinator.pk, str(world.supervisor.pk))
    # At the next sign-in, enrolment again.
    sign_in(supervisor, "supervisor@a.test")
    assert supervisor.get("/")["Location"].startswith("/accounts/two-step/setup/")


def test_an_administrator_cannot_reset_their_own(world) -> None:
    membership = Membership.objects.get(user=world.coordinator, program=world.program_a)
    response = world.client("coordinator").post(f"/program/members/{membership.pk}/two-step/reset/")
    assert response.status_code == 400
    assert "from your profile" in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()


def test_a_mentor_may_turn_it_on_and_off_and_a_coordinator_may_not_turn_it_off(world) -> None:
    mentor = Client()
    sign_in(mentor, "mentor@a.test")
    assert mentor.get("/").status_code == 200  # not required
    device = second_factor.new_authenticator(world.mentor)
    assert mentor.post("/accounts/two-step/setup/", {"code": code_now(device)}).status_code == 200
    assert second_factor.is_enrolled(world.mentor)
    assert mentor.post("/accounts/two-step/off/").status_code == 302
    assert not second_factor.is_enrolled(world.mentor)

    coordinator = Client()
    authenticator(world.coordinator)
    sign_in(coordinator, "coordinator@a.test")
    pass_second_step(coordinator, world.coordinator)
    response = coordinator.post("/accounts/two-step/off/", follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert second_factor.is_enrolled(world.coordinator)


def test_roles_decide_who_must(world) -> None:
    assert second_factor.required(world.coordinator)
    assert second_factor.required(world.supervisor)
    assert second_factor.required(world.admin)
    assert second_factor.required(world.curator)
    assert not second_factor.required(world.mentor)
    assert not second_factor.required(world.referrer)
    assert not second_factor.required(world.evaluator)


def test_demo_logins_skip_enrolment_only_in_debug(world) -> None:
    demo = User.objects.create_user(f"coordinator@{DEMO_DOMAIN}", PASSWORD, full_name="Demo")
    Membership.objects.create(user=demo, program=world.program_a, role=Role.COORDINATOR)
    with override_settings(DEBUG=True):  # `make run`
        assert not second_factor.required(demo)
    with override_settings(DEBUG=False):
        assert second_factor.required(demo)


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_browser(world) -> None:
    owner = Client()
    assert sign_in(owner, "mentor@a.test", REMOTE_ADDR="10.0.0.1").status_code == 302
    assert KNOWN_COOKIE in owner.cookies
    owner.post("/accounts/logout/")
    for n in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 2):
        sign_in(Client(), "mentor@a.test", "wrong password!!", REMOTE_ADDR=f"10.9.9.{n}")
    # A new browser is held back; the owner's, with the right password, is not.
    assert sign_in(Client(), "mentor@a.test", REMOTE_ADDR="10.0.0.2").status_code == 429
    assert sign_in(owner, "mentor@a.test", REMOTE_ADDR="10.0.0.1").status_code == 302
    # The cookie names one account: it does not lift another account's limit.
    owner.post("/accounts/logout/")
    for n in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        sign_in(Client(), "referrer@a.test", "wrong password!!", REMOTE_ADDR=f"10.8.8.{n}")
    assert sign_in(owner, "referrer@a.test", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_a_new_password_starts_the_count_afresh(world) -> None:
    for n in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        sign_in(Client(), "mentor@a.test", "wrong password!!", REMOTE_ADDR=f"10.9.9.{n}")
    assert sign_in(Client(), "mentor@a.test", REMOTE_ADDR="10.0.0.2").status_code == 429
    record(action="accounts.password.reset", request=None, actor=world.mentor)
    assert sign_in(Client(), "mentor@a.test", REMOTE_ADDR="10.0.0.2").status_code == 302


def test_a_session_from_before_two_step_sign_in_is_asked_at_once(world) -> None:
    client = world.client("coordinator")
    session = client.session
    del session[second_factor.STATE_KEY]
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/two-step/setup/")


def test_odd_codes_are_refused_plainly(world) -> None:
    authenticator(world.supervisor)
    client = Client()
    sign_in(client, "supervisor@a.test")
    for code in ("", "x" * 5000, "12\x0034", "١٢٣٤٥٦"):
        response = client.post("/accounts/two-step/", {"code": code})
        assert response.status_code == 400, code


def test_after_a_wrong_code_even_the_right_one_waits(world) -> None:
    device = authenticator(world.supervisor)
    client = Client()
    sign_in(client, "supervisor@a.test")
    client.post("/accounts/two-step/", {"code": "123456"})
    response = client.post("/accounts/two-step/", {"code": code_now(device)})
    assert response.status_code == 400
    assert "Wait a few seconds" in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert client.post("/accounts/two-step/", {"code": code_now(device)}).status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_it_goes_on_only_to_a_page_of_this_site(world) -> None:
    device = authenticator(world.supervisor)
    for given, expected in (
        ("-1", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/families/", "/families/"),
    ):
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # as if 30 s had passed
        client = Client()
        sign_in(client, "supervisor@a.test")
        response = client.post(f"/accounts/two-step/?next={given}", {"code": next_code(device)})
        assert (response.status_code, response["Location"]) == (302, expected), given
        assert client.get(f"/accounts/two-step/?next={given}")["Location"] == expected
