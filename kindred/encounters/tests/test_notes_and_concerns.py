"""Notes are read only by the person who wrote them and the program's supervisors and
coordinators; a flagged concern goes to the supervisor's queue, with an e-mail, until resolved."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.core.testing import personas
from kindred.encounters.models import Encounter
from kindred.encounters.tests.factories import form_data, logged
from kindred.mentors.models import Escalation
from kindred.programs.models import Membership, Role

pytestmark = pytest.mark.django_db
NOTE = "canary-note-77"


def test_notes_show_to_the_writer_supervisor_and_coordinator(eworld) -> None:
    encounter = logged(eworld)
    url = reverse("encounters:detail", args=[encounter.pk])
    for persona in ("mentor", "supervisor", "coordinator"):
        page = eworld.client(persona).get(url)
        assert page.status_code == 200
        assert NOTE in page.content.decode(), persona


def test_referrers_evaluators_and_others_never_reach_an_encounter_or_its_notes(eworld) -> None:
    encounter = logged(eworld)
    family = eworld.objects["family"]
    for persona in ("referrer", "evaluator", "admin", "curator", "outsider"):
        client = eworld.client(persona)
        page = client.get(reverse("encounters:detail", args=[encounter.pk]))
        assert page.status_code == 404, persona
        story = client.get(reverse("families:detail", args=[family.pk]))
        assert NOTE not in story.content.decode(), persona


def _co_mentor_on_anas_encounter(eworld) -> tuple[Encounter, Client]:
    """Ana's encounter with Bea as a co-mentor, and Bea signed in."""
    bea = eworld.objects["bea"]
    user = personas.make_user("bea@a.test", "Bea Mentor")
    Membership.objects.create(user=user, program=eworld.program_a, role=Role.MENTOR)
    bea.user = user
    bea.save(update_fields=["user"])
    encounter = logged(eworld, mentors=[eworld.objects["ana"], bea])
    return encounter, personas.signed_in(Client(), user)


def test_a_co_mentor_reads_the_encounter_but_not_anothers_notes(eworld) -> None:
    encounter, client = _co_mentor_on_anas_encounter(eworld)
    page = client.get(reverse("encounters:detail", args=[encounter.pk]))
    assert page.status_code == 200
    assert NOTE not in page.content.decode()
    # Nor in the edit form's initial values.
    edit = client.get(reverse("encounters:edit", args=[encounter.pk]))
    assert NOTE not in edit.content.decode()


def test_a_co_mentors_edit_keeps_the_writers_notes(eworld) -> None:
    """A co-mentor may edit the encounter but not read its notes: the notes box is shut, and an
    edit (even one posting notes by hand) leaves the writer's notes as they were."""
    encounter, client = _co_mentor_on_anas_encounter(eworld)
    url = reverse("encounters:edit", args=[encounter.pk])
    page = client.get(url).content.decode()
    assert 'name="notes"' in page and "disabled" in page.split('name="notes"')[1].split(">")[0]
    for notes in ("", "Overwritten by the co-mentor"):
        data = form_data(
            eworld,
            duration_minutes="40" if notes else "35",
            notes=notes,
            follow_up=None,
            follow_up_due=None,
            version=str(Encounter.objects.get(pk=encounter.pk).version),
        )
        assert client.post(url, data).status_code == 302
        encounter.refresh_from_db()
        assert encounter.notes == NOTE, notes
    assert encounter.duration_minutes == 40 and encounter.version == 3
    assert all("notes" not in r.changes for r in encounter.revisions.all())


def test_the_familys_story_shows_the_encounter_once_without_notes(eworld) -> None:
    from kindred.matching.tests.factories import waiting_family

    second = waiting_family(eworld, name="Second")
    encounter = logged(eworld, families=[eworld.objects["family"], second], by=eworld.coordinator)
    page = eworld.client("supervisor").get(
        reverse("families:detail", args=[eworld.objects["family"].pk])
    )
    html = page.content.decode()
    assert html.count(reverse("encounters:detail", args=[encounter.pk])) == 1
    assert NOTE not in html.split('id="story-heading"')[1]


def test_a_concern_opens_an_escalation_the_supervisor_resolves(
    eworld, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = eworld.client("mentor").post(
            reverse("encounters:new"),
            form_data(eworld, concern="safety", concern_details="Talked about not feeling safe."),
        )
    assert response.status_code == 302
    encounter = Encounter.objects.get()
    escalation = encounter.escalation
    assert escalation.status == "open" and escalation.severity == "urgent"
    assert escalation.mentor == eworld.objects["ana"]
    assert escalation.family == eworld.objects["family"]
    to_supervisor = [m for m in mail.outbox if m.to == ["supervisor@a.test"]]
    assert len(to_supervisor) == 1
    body = to_supervisor[0].body
    assert reverse("mentors:escalation", args=[escalation.pk]) in body
    assert "Quintero" not in body and "safe" not in body  # a link only
    supervisor = eworld.client("supervisor")
    queue = supervisor.get(reverse("mentors:supervision"))
    assert reverse("mentors:escalation", args=[escalation.pk]) in queue.content.decode()
    refused = supervisor.post(
        reverse("mentors:escalation_resolve", args=[escalation.pk]), {"notes": ""}
    )
    assert refused.status_code == 400
    done = supervisor.post(
        reverse("mentors:escalation_resolve", args=[escalation.pk]),
        {"notes": "Called the family with the social worker."},
    )
    assert done.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.resolved_by == eworld.supervisor
    page = eworld.client("mentor").get(reverse("encounters:detail", args=[encounter.pk]))
    assert "Resolved" in page.content.decode()


def test_a_concern_is_raised_once_even_when_the_encounter_is_edited(eworld) -> None:
    encounter = logged(eworld, concern="mentor_distress", concern_details="Hard week.")
    assert Escalation.objects.count() == 1
    client = eworld.client("mentor")
    data = form_data(eworld, concern="mentor_distress", version=str(encounter.version))
    response = client.post(reverse("encounters:edit", args=[encounter.pk]), data)
    assert response.status_code == 302
    assert Escalation.objects.count() == 1
