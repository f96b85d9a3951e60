from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from kindred.accounts.middleware import TOUCHED_KEY
from kindred.accounts.models import User
from kindred.accounts.signals import LOGIN_AT_KEY
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import PASSWORD
from kindred.core.testing.two_factor import authenticator, pass_second_step

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_it_signs_in_with_a_new_session_key_and_audits_it(world) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    response = login(client, "coordinator@a.test")
    assert response.status_code == 302
    assert client.session.session_key != before
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.actor == world.coordinator
    assert event.ip == "127.0.0.1"


def test_it_accepts_the_email_in_any_case(world) -> None:
    response = login(Client(), "Coordinator@A.TEST")
    assert response.status_code == 302


def test_it_refuses_a_wrong_password_with_a_clear_message_and_audits_it(world) -> None:
    response = login(Client(), "coordinator@a.test", "wrong password!!")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.actor_label == "coordinator@a.test"
    assert event.actor is None


def test_it_throttles_an_account_after_repeated_failures(world) -> None:
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        # Different addresses: the account limit, not the address limit, is what trips.
        login(Client(), "coordinator@a.test", "wrong password!!", REMOTE_ADDR="10.0.0.9")
    response = login(Client(), "coordinator@a.test", PASSWORD, REMOTE_ADDR="10.0.0.10")
    assert response.status_code == 429
    assert "Too many unsuccessful sign-in attempts" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.throttled").count() == 1
    # Another account from another address is not affected.
    assert login(Client(), "supervisor@a.test", REMOTE_ADDR="10.0.0.11").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS=3)
def test_it_throttles_an_address_that_tries_many_accounts(world) -> None:
    for n in range(3):
        login(Client(), f"nobody{n}@a.test", "wrong password!!", REMOTE_ADDR="10.1.1.1")
    assert login(Client(), "mentor@a.test", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert login(Client(), "mentor@a.test", REMOTE_ADDR="10.1.1.2").status_code == 302


def test_it_counts_failures_only_since_the_last_success(world) -> None:
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        login(Client(), "coordinator@a.test", "wrong password!!", REMOTE_ADDR="10.0.0.9")
    assert login(Client(), "coordinator@a.test", REMOTE_ADDR="10.0.0.9").status_code == 302
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        login(Client(), "coordinator@a.test", "wrong password!!", REMOTE_ADDR="10.0.0.9")
    assert login(Client(), "coordinator@a.test", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_it_refuses_an_inactive_account(world) -> None:
    world.mentor.is_active = False
    world.mentor.save()
    assert login(Client(), "mentor@a.test").status_code == 200


def test_it_ignores_a_next_url_on_another_host(world) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/?next=https://evil.example/steal",
        {"username": "coordinator@a.test", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = Client().post(
        "/accounts/login/",
        {"username": "coordinator@a.test", "password": PASSWORD, "next": "/program/members/"},
    )
    assert response["Location"] == "/program/members/"


def test_it_refuses_an_offsite_next_on_language_switch() -> None:
    response = Client().post("/language/", {"language": "es", "next": "//evil.example/"})
    assert response["Location"] == "/"


def test_it_logs_out_on_the_server(world) -> None:
    client = world.client("coordinator")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302


def test_it_ends_a_session_idle_for_30_minutes(world) -> None:
    client = Client()
    login(client, "coordinator@a.test")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    # The shared cache holds the session for as long as its idle limit (cached_db): 30 minutes
    # passing end it there too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert cache.get(store.cache_key_prefix + key) is not None
    cache.delete(store.cache_key_prefix + key)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_renews_the_idle_limit_on_activity(world) -> None:
    client = Client()
    login(client, "coordinator@a.test")
    key = client.session.session_key
    client.get("/")  # renews, and notes when
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")  # within a minute of the last renewal: no write
    assert Session.objects.get(session_key=key).expire_date == soon
    session = client.session
    session[TOUCHED_KEY] = (timezone.now() - timedelta(minutes=2)).timestamp()
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_it_ends_a_session_after_12_hours_whatever_the_activity(world) -> None:
    client = Client()
    login(client, "coordinator@a.test")
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).timestamp()
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302


def test_it_hashes_passwords_with_argon2() -> None:
    assert settings.PASSWORD_HASHERS[0].endswith(
        "Argon2PasswordHasher"
    ) or settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user = User.objects.create_user("argon@a.test", PASSWORD, full_name="Argon")
        assert identify_hasher(user.password).algorithm == "argon2"


def test_it_does_not_reveal_whether_an_account_exists_on_password_reset(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/accounts/password-reset/", {"email": "coordinator@a.test"})
        unknown = Client().post("/accounts/password-reset/", {"email": "nobody@a.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coordinator@a.test"]


def test_it_resets_a_password_and_ends_other_sessions(
    world, django_capture_on_commit_callbacks
) -> None:
    other = Client()
    login(other, "coordinator@a.test")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password-reset/", {"email": "coordinator@a.test"})
    assert "coordinator@a.test" not in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    client = Client()
    response = client.get(path)
    assert response.status_code == 302  # Django swaps the token into the session
    new = "a brand new passphrase 2026"
    response = client.post(response["Location"], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert login(Client(), "coordinator@a.test", new).status_code == 302
    # The session signed in before the reset has ended on the server.
    assert other.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password.reset").count() == 1


def test_it_requires_12_characters_and_refuses_common_passwords(world) -> None:
    client = world.client("coordinator")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short pw", "new_password2": "short pw"},
    )
    assert "at least 12 characters" in response.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    assert "too common" in response.content.decode()


def test_it_changes_a_password_and_signs_out_other_sessions(world) -> None:
    first, second = Client(), Client()
    authenticator(world.coordinator)
    for client in (first, second):
        login(client, "coordinator@a.test")
        pass_second_step(client, world.coordinator)
    new = "another long passphrase 77"
    response = first.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_it_saves_the_language_choice_on_the_account(world) -> None:
    client = world.client("coordinator")
    client.post("/language/", {"language": "es", "next": "/"})
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "es"
    response = client.get("/")
    assert 'lang="es"' in response.content.decode()
    assert "Bienvenid" in response.content.decode()


def test_it_shows_the_sign_in_page_in_the_chosen_language() -> None:
    client = Client()
    client.post("/language/", {"language": "es"})
    assert "Inicie sesión" in client.get("/accounts/login/").content.decode()
