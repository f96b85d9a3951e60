"""An organization administrator starts a program from the UI and invites its first
coordinator (the first ten minutes of a new installation)."""

import pytest
from django.core import mail
from django.test import Client

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import PASSWORD
from kindred.matching.models import MatchSettings
from kindred.programs.access import capabilities
from kindred.programs.models import Invitation, Membership, Program
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db


def form_data(world, **changes):
    data = {
        "organization": world.org_a.pk,
        "name": "Heartland Family Partners",
        "scope": "hospital_wide",
        "offers_one_to_one": "on",
        "offers_groups": "on",
        "mentor_title": "Family Partner",
        "mentor_title_es": "Compañera de Familia",
        "languages_text": "English, Spanish, Vietnamese",
        "first_contact_target_hours": "24",
        "match_target_hours": "72",
        "accepts_outside_referrals": "on",
        "coordinator_email": "First.Coordinator@Heartland.test",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_creates_a_program_with_its_targets_and_invites_its_coordinator(
    world, django_capture_on_commit_callbacks
) -> None:
    client = world.client("admin")
    assert client.get("/program/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/program/new/", form_data(world))
    assert response.status_code == 302
    assert response["Location"] == "/program/members/"
    program = Program.objects.get(name="Heartland Family Partners")
    assert program.organization == world.org_a
    assert program.slug == "heartland-family-partners"
    assert (program.scope, program.offers_one_to_one, program.offers_groups) == (
        "hospital_wide",
        True,
        True,
    )
    assert not program.offers_virtual
    assert program.mentor_title_for("es") == "Compañera de Familia"
    assert program.languages == ["en", "es", "vi"]
    assert program.first_contact_target_hours == 24
    assert MatchSettings.objects.get(program=program).target_hours == 72
    invitation = Invitation.objects.get(program=program)
    assert (invitation.email, invitation.role) == (
        "first.coordinator@heartland.test",
        "coordinator",
    )
    assert mail.outbox[-1].to == ["first.coordinator@heartland.test"]
    assert "Heartland Family Partners" in mail.outbox[-1].subject
    created = AuditEvent.objects.get(action="programs.program.created")
    assert created.program_id == program.pk and created.actor == world.users["admin"]
    assert "match_target_hours" in created.fields
    # The administrator now works in the new program: its members page lists the invitation.
    page = client.get("/program/members/").content.decode()
    assert "first.coordinator@heartland.test" in page
    assert Cap.MEMBERS_MANAGE in capabilities(world.users["admin"])[program.pk]


def test_the_invited_coordinator_joins_and_runs_the_program(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post("/program/new/", form_data(world))
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    path = link.split("testserver", 1)[1]
    client = Client()
    response = client.post(
        path,
        {
            "full_name": "Dr. Rosa María Alvarez",
            "preferred_name": "Rosa",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    program = Program.objects.get(name="Heartland Family Partners")
    assert Membership.objects.filter(
        program=program, role="coordinator", user__email="first.coordinator@heartland.test"
    ).exists()
    rosa = User.objects.get(email="first.coordinator@heartland.test")
    assert (rosa.preferred_name, rosa.get_short_name()) == ("Rosa", "Rosa")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"languages_text": "English, Klingon"}, "languages_text", "Klingon"),
        ({"match_target_hours": "0"}, "match_target_hours", "greater than or equal to 1"),
        ({"first_contact_target_hours": "100000"}, "first_contact_target_hours", "less than"),
        ({"coordinator_email": "not an address"}, "coordinator_email", "valid email"),
        ({"coordinator_email": None}, "coordinator_email", "This field is required."),
        (
            {"offers_one_to_one": None, "offers_groups": None},
            "offers_one_to_one",
            "at least one way",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(world, changes, field, message) -> None:
    before = (Program.objects.count(), Invitation.objects.count(), MatchSettings.objects.count())
    response = world.client("admin").post("/program/new/", form_data(world, **changes))
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert (
        Program.objects.count(),
        Invitation.objects.count(),
        MatchSettings.objects.count(),
    ) == before
    # What was typed is kept.
    assert "Compañera de Familia" in response.content.decode()


def test_it_gives_a_second_program_of_the_same_name_its_own_address(world) -> None:
    client = world.client("admin")
    assert client.post("/program/new/", form_data(world)).status_code == 302
    second = form_data(world, coordinator_email="other@heartland.test")
    assert client.post("/program/new/", second).status_code == 302
    slugs = sorted(
        Program.objects.filter(name="Heartland Family Partners").values_list("slug", flat=True)
    )
    assert slugs == ["heartland-family-partners", "heartland-family-partners-2"]


def test_it_validates_ownership(world) -> None:
    # Another organization is not the administrator's to start programs in.
    response = world.client("admin").post(
        "/program/new/", form_data(world, organization=world.org_b.pk)
    )
    assert response.status_code == 400
    assert not Program.objects.filter(name="Heartland Family Partners").exists()
    # A coordinator (program role), the outsider and a curator cannot start programs at all.
    for persona in ("coordinator", "outsider", "curator", "mentor"):
        assert world.client(persona).get("/program/new/").status_code == 404
        assert world.client(persona).post("/program/new/", form_data(world)).status_code == 404
    assert not Program.objects.filter(name="Heartland Family Partners").exists()
    assert AuditEvent.objects.filter(action="programs.program.access_denied").exists()


def test_it_offers_the_administrator_to_start_a_program_on_the_home_page(world) -> None:
    page = world.client("admin").get("/").content.decode()
    assert "/program/new/" in page
    assert "/program/new/" not in world.client("coordinator").get("/").content.decode()


def test_it_speaks_spanish(world) -> None:
    admin = world.users["admin"]
    admin.language = "es"
    admin.save(update_fields=["language"])
    client = world.client("admin")
    page = client.get("/program/new/").content.decode()
    assert "Iniciar un programa" in page
    assert "Meta de emparejamiento" in page
    response = client.post("/program/new/", form_data(world, coordinator_email=""))
    assert "Este campo es obligatorio." in response.content.decode()
