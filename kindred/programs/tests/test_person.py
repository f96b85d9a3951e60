"""The signed-in person's cached record: loaded once per request, refused at once when revoked."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kindred.core.testing import personas
from kindred.programs.models import Membership, OrganizationMembership, Program, Role
from kindred.programs.person import RECORD_KEY, VERSION_KEY, load_person
from kindred.programs.services import membership_change_role, membership_deactivate

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    """Signed in with the second step done (kindred.core.testing.personas.signed_in)."""
    return personas.signed_in(Client(), user)


def version(user) -> str | None:
    return cache.get(VERSION_KEY.format(user.pk))


def test_a_signed_in_page_reads_the_person_from_the_cache(world) -> None:
    client = signed_in(world.coordinator)
    assert client.get("/families/").status_code == 200  # builds and caches the record
    assert cache.get(RECORD_KEY.format(world.coordinator.pk)) is not None
    # Session and person from the cache: the queries left are the page's own.
    with CaptureQueriesContext(connection) as captured:
        client.get("/families/")
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "django_session" not in tables
    assert "accounts_user" not in tables
    assert "programs_membership" not in tables
    assert "programs_organizationmembership" not in tables


def test_a_removed_role_is_refused_on_the_very_next_request(world) -> None:
    client = signed_in(world.coordinator)
    assert client.get("/families/").status_code == 200
    before = version(world.coordinator)
    membership = Membership.objects.get(user=world.coordinator, program=world.program_a)
    membership_deactivate(membership=membership, by=world.admin)
    assert version(world.coordinator) != before
    assert client.get("/families/").status_code in (302, 403, 404)


def test_a_changed_role_takes_effect_on_the_next_request(world) -> None:
    client = signed_in(world.coordinator)
    assert client.get("/program/members/").status_code == 200
    membership = Membership.objects.get(user=world.coordinator, program=world.program_a)
    membership_change_role(membership=membership, role=Role.EVALUATOR, by=world.admin)
    # A role change ends the person's sessions, in the database and in the shared cache.
    response = client.get("/program/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    again = signed_in(world.coordinator)
    assert again.get("/program/members/").status_code == 403


def test_a_new_role_is_there_on_the_next_request(world) -> None:
    client = signed_in(world.outsider)
    assert client.get("/").status_code == 200
    assert world.program_a.pk not in load_person(world.outsider.pk).capabilities
    Membership.objects.create(user=world.outsider, program=world.program_a, role=Role.MENTOR)
    assert world.program_a.pk in load_person(world.outsider.pk).capabilities
    assert "Program A" in client.get("/").content.decode()


def test_a_deactivated_account_is_signed_out_on_the_next_request(world) -> None:
    client = signed_in(world.coordinator)
    assert client.get("/").status_code == 200
    user = world.coordinator
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_organization_role_removed_is_refused_at_once(world) -> None:
    client = signed_in(world.admin)
    assert client.get("/program/members/").status_code == 200
    OrganizationMembership.objects.filter(user=world.admin).delete()
    # No program left at all: the page is outside every program of theirs (404, not 403).
    assert client.get("/program/members/").status_code == 404


def test_a_program_closed_drops_out_of_everyones_record(world) -> None:
    client = signed_in(world.coordinator)
    assert client.get("/families/").status_code == 200
    program = Program.objects.get(pk=world.program_a.pk)
    program.is_active = False
    program.save()
    assert load_person(world.coordinator.pk).capabilities == {}
    assert client.get("/families/").status_code == 404


@pytest.mark.parametrize("event", ["sign-out", "switch", "password"])
def test_each_event_bumps_the_version(world, event) -> None:
    user = world.coordinator
    Membership.objects.create(user=user, program=world.program_b, role=Role.EVALUATOR)
    client = signed_in(user)
    client.get("/")
    before = version(user)
    assert before is not None
    if event == "sign-out":
        client.post("/accounts/logout/")
    elif event == "switch":
        assert client.post("/program/switch/", {"program": world.program_b.pk}).status_code == 302
    else:
        user.set_password("another long passphrase 77")
        user.save()
    assert version(user) != before
    assert cache.get(RECORD_KEY.format(user.pk)) is None


def test_a_record_of_an_old_version_is_never_served(world) -> None:
    user = world.coordinator
    stale = load_person(user.pk)
    Membership.objects.filter(user=user).delete()  # post_delete bumps the version
    # A process that built the record before the bump writes it back late: refused.
    cache.set(RECORD_KEY.format(user.pk), stale)
    assert load_person(user.pk).capabilities == {}


def test_an_accepted_invitation_gives_the_role_at_once(world) -> None:
    from kindred.programs.services import invitation_accept, member_invite

    client = signed_in(world.outsider)
    client.get("/")
    before = version(world.outsider)
    invitation = member_invite(
        program=world.program_a,
        email=world.outsider.email,
        role=Role.MENTOR,
        invited_by=world.coordinator,
    )
    invitation_accept(invitation=invitation, full_name="", password="x" * 20)
    assert version(world.outsider) != before
    assert world.program_a.pk in load_person(world.outsider.pk).capabilities


def test_it_builds_the_record_from_the_database_when_the_cache_is_down(world, monkeypatch) -> None:
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    expected = load_person(world.coordinator.pk)
    assert expected is not None
    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set", down)
    person = load_person(world.coordinator.pk)
    assert person is not None
    assert person.user.pk == world.coordinator.pk
    assert person.capabilities == expected.capabilities
    assert person.version == "uncached"


def test_it_still_serves_a_built_record_when_the_cache_refuses_to_keep_it(
    world, monkeypatch
) -> None:
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    cache.clear()
    monkeypatch.setattr(cache, "set", down)
    person = load_person(world.coordinator.pk)
    assert person is not None and person.capabilities


def test_the_cached_record_never_holds_the_password_hash(world) -> None:
    import pickle

    client = signed_in(world.coordinator)
    assert client.get("/families/").status_code == 200
    stored = pickle.dumps(cache.get(RECORD_KEY.format(world.coordinator.pk)))
    password_hash = type(world.coordinator).objects.get(pk=world.coordinator.pk).password
    assert password_hash and password_hash.encode() not in stored
    # The session check still holds on the next request, from the record alone.
    assert client.get("/families/").status_code == 200


def test_a_password_change_still_checks_the_old_password(world) -> None:
    from kindred.core.testing.personas import PASSWORD

    client = signed_in(world.coordinator)
    url = "/accounts/password/"
    refused = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "N3w-long-pass!",
            "new_password2": "N3w-long-pass!",
        },
    )
    assert refused.status_code == 200  # the form again, with its error
    changed = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-long-pass!",
            "new_password2": "N3w-long-pass!",
        },
    )
    assert changed.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.check_password("N3w-long-pass!")
    assert client.get("/families/").status_code == 200  # this session continues
