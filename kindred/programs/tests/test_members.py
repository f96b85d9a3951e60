import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import PASSWORD
from kindred.programs.access import capabilities
from kindred.programs.models import Invitation, Membership, Program
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db


def invite(client: Client, email: str, role: str, capture) -> str:
    from django.core import mail

    with capture(execute=True):
        response = client.post("/program/members/", {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    return next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)


def test_it_lists_members_with_few_queries(world, django_assert_max_num_queries) -> None:
    client = world.client("coordinator")
    with django_assert_max_num_queries(9):
        response = client.get("/program/members/")
    assert response.status_code == 200
    assert "Mentor A" in response.content.decode()


def test_it_invites_by_email_with_a_one_time_link(
    world, django_capture_on_commit_callbacks
) -> None:
    link = invite(
        world.client("coordinator"), "new@a.test", "mentor", django_capture_on_commit_callbacks
    )
    path = link.split("testserver", 1)[1]
    client = Client()
    response = client.post(
        path, {"full_name": "New Partner", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@a.test")
    assert Membership.objects.filter(user=user, program=world.program_a, role="mentor").exists()
    assert Cap.MENTOR_SELF in capabilities(user)[world.program_a.pk]
    # The link works once.
    assert Client().get(path).status_code == 404


def test_it_refuses_a_weak_password_on_invitation_and_creates_nothing(
    world, django_capture_on_commit_callbacks
) -> None:
    link = invite(
        world.client("coordinator"), "new@a.test", "mentor", django_capture_on_commit_callbacks
    )
    path = link.split("testserver", 1)[1]
    response = Client().post(path, {"full_name": "New", "password1": "abc", "password2": "abc"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="new@a.test").exists()
    assert Invitation.objects.pending().count() == 1


def test_it_lets_an_existing_account_accept_with_its_password(
    world, django_capture_on_commit_callbacks
) -> None:
    link = invite(
        world.client("coordinator"),
        "referrer@a.test",
        "evaluator",
        django_capture_on_commit_callbacks,
    )
    path = link.split("testserver", 1)[1]
    assert Client().post(path, {"password1": "wrong password 1234"}).status_code == 200
    assert Client().post(path, {"password1": PASSWORD}).status_code == 302
    roles = set(
        world.program_a.memberships.filter(user=world.referrer).values_list("role", flat=True)
    )
    assert roles == {"referrer", "evaluator"}


def test_it_refuses_an_invalid_email_or_role(world) -> None:
    client = world.client("coordinator")
    response = client.post("/program/members/", {"email": "not-an-email", "role": "mentor"})
    assert response.status_code == 400
    assert 'value="not-an-email"' in response.content.decode()
    assert "Enter a valid email address" in response.content.decode()
    response = client.post("/program/members/", {"email": "x@a.test", "role": "superuser"})
    assert "Select a valid choice" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_it_changes_a_role_and_audits_it(world) -> None:
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    response = world.client("coordinator").post(
        f"/program/members/{membership.pk}/role/", {"role": "supervisor"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "supervisor"
    event = AuditEvent.objects.get(action="programs.membership.changed")
    assert event.detail == {"from": "mentor", "to": "supervisor"}
    assert event.program_id == world.program_a.pk


def test_it_deactivates_a_member_who_loses_their_sessions_at_once(world) -> None:
    mentor_client = Client()
    mentor_client.post("/accounts/login/", {"username": "mentor@a.test", "password": PASSWORD})
    assert mentor_client.get("/").status_code == 200
    key = mentor_client.session.session_key
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    world.client("coordinator").post(f"/program/members/{membership.pk}/deactivate/")
    assert not Session.objects.filter(session_key=key).exists()
    assert mentor_client.get("/").status_code == 302
    world.mentor.refresh_from_db()
    assert world.mentor.is_active is False
    assert (
        Client()
        .post("/accounts/login/", {"username": "mentor@a.test", "password": PASSWORD})
        .status_code
        == 200
    )


def test_it_keeps_an_account_active_that_has_a_role_elsewhere(world) -> None:
    Membership.objects.create(user=world.mentor, program=world.program_b, role="mentor")
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    world.client("coordinator").post(f"/program/members/{membership.pk}/deactivate/")
    world.mentor.refresh_from_db()
    assert world.mentor.is_active is True
    assert world.program_a.pk not in capabilities(User.objects.get(pk=world.mentor.pk))


def test_it_does_not_let_a_coordinator_deactivate_themselves(world) -> None:
    membership = Membership.objects.get(user=world.coordinator, program=world.program_a)
    response = world.client("coordinator").post(f"/program/members/{membership.pk}/deactivate/")
    assert response.status_code == 400
    assert "You cannot deactivate yourself." in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_it_shows_a_refused_role_change_on_the_persons_row(world) -> None:
    """The members page again, the choice kept on that person's row, with the reason."""
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    client = world.client("coordinator")
    response = client.post(f"/program/members/{membership.pk}/role/", {"role": "superuser"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="role-{membership.pk}-error"' in page and "Select a valid choice" in page
    # Already a supervisor too: the row keeps "supervisor" chosen and says why not.
    Membership.objects.create(user=world.mentor, program=world.program_a, role="supervisor")
    response = client.post(f"/program/members/{membership.pk}/role/", {"role": "supervisor"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This person already has that role in this program." in page
    row = page[page.index(f'id="role-{membership.pk}"') :].split("</select>")[0]
    assert '<option value="supervisor" selected>' in row
    own = Membership.objects.get(user=world.coordinator, program=world.program_a)
    response = client.post(f"/program/members/{own.pk}/role/", {"role": "mentor"})
    assert response.status_code == 400
    assert "You cannot change your own role." in response.content.decode()
    membership.refresh_from_db()
    own.refresh_from_db()
    assert membership.role == "mentor" and own.role == "coordinator"
    assert not AuditEvent.objects.filter(action="programs.membership.changed").exists()


def test_it_validates_ownership(world) -> None:
    """Program B's coordinator cannot touch program A's members, invitations or settings."""
    membership = Membership.objects.get(user=world.mentor, program=world.program_a)
    outsider = world.client("outsider")
    assert (
        outsider.post(
            f"/program/members/{membership.pk}/role/", {"role": "coordinator"}
        ).status_code
        == 404
    )
    assert outsider.post(f"/program/members/{membership.pk}/deactivate/").status_code == 404
    membership.refresh_from_db()
    assert membership.role == "mentor" and membership.is_active
    assert outsider.post("/program/switch/", {"program": world.program_a.pk}).status_code == 404
    outsider.post("/program/settings/", {"name": "Hijacked"})
    assert Program.objects.get(pk=world.program_a.pk).name == "Program A"
    assert AuditEvent.objects.filter(action="programs.membership.access_denied").count() == 2


def test_it_validates_program_settings_with_clear_messages(world) -> None:
    client = world.client("coordinator")
    data = {
        "name": "Program A",
        "scope": "clinic",
        "mentor_title": "Parent Partner",
        "mentor_title_es": "Madre Mentora",
        "first_contact_target_hours": "0",
        "languages_text": "en, Klingon",
    }
    response = client.post("/program/settings/", data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1" in text
    assert "Kindred does not know these languages: Klingon" in text
    assert 'value="en, Klingon"' in text  # what was typed is kept
    assert Program.objects.get(pk=world.program_a.pk).scope == "hospital_wide"
    # Names or codes, in English or Spanish: stored as codes of the one list.
    data.update(first_contact_target_hours="24", languages_text="English, español, vi, ASL")
    assert client.post("/program/settings/", data).status_code == 302
    program = Program.objects.get(pk=world.program_a.pk)
    assert program.languages == ["en", "es", "vi", "ase"]
    # Shown again by name.
    page = client.get("/program/settings/").content.decode()
    assert 'value="English, Spanish, Vietnamese, American Sign Language"' in page
    assert program.first_contact_target_hours == 24
    assert program.mentor_title_for("es") == "Madre Mentora"


def test_it_lets_a_person_with_two_programs_switch(world) -> None:
    Membership.objects.create(user=world.coordinator, program=world.program_b, role="evaluator")
    client = world.client("coordinator")
    assert client.post("/program/switch/", {"program": world.program_b.pk}).status_code == 302
    # In program B this person is only an evaluator: no member management there,
    # so the members page falls back to the program where they are coordinator.
    response = client.get("/program/members/")
    assert "Members of Program A" in response.content.decode()


def test_it_sends_the_invitation_through_a_real_smtp_server_in_the_invitees_language(
    world, smtp_server, django_capture_on_commit_callbacks
) -> None:
    world.referrer.language = "es"
    world.referrer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("coordinator").post(
            "/program/members/", {"email": "referrer@a.test", "role": "evaluator"}
        )
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "referrer@a.test"
    body = message.get_payload(decode=True).decode()
    assert "Acepte la invitación" in body
    assert "/accounts/invitation/" in body


def test_it_refuses_and_audits_withdrawing_another_programs_invitation(
    world, django_capture_on_commit_callbacks
) -> None:
    from kindred.core.testing.access import denials

    invite(
        world.client("outsider"), "newcomer@b.test", "mentor", django_capture_on_commit_callbacks
    )
    theirs = Invitation.objects.get(email="newcomer@b.test")
    response = world.client("coordinator").post(f"/program/invitations/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert denials("programs.invitation") == [
        (world.coordinator.pk, world.program_a.pk, str(theirs.pk), {})
    ]
