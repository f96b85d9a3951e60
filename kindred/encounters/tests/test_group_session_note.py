"""A support group session's note (issue 12) is an encounter of the session: written by the
group's facilitators from the attendance page, prefilled from the session, only for the families
marked present, one per session, a concern going to the supervisor's queue."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kindred.accounts.models import User
from kindred.core.testing import personas
from kindred.encounters.models import Encounter, Theme
from kindred.encounters.services import EncounterInput, encounter_create, encounter_mark_error
from kindred.encounters.tests.factories import logged
from kindred.groups.models import Facilitator, GroupSession
from kindred.groups.schedule import occurrences, zone
from kindred.groups.services import attendance_mark
from kindred.groups.tests.factories import make_family, make_group
from kindred.mentors.models import Escalation
from kindred.programs.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def nworld(eworld):
    """A group led by Ana (the mentor persona) whose last session was held: two families marked
    present, a third of the program registered nowhere."""
    group = make_group(eworld.program_a, eworld.coordinator, name="Heart parents")
    Facilitator.objects.create(group=group, role="leader", mentor=eworld.objects["ana"])
    now = timezone.now()
    past = [o for o in occurrences([group], now - timedelta(days=70), now) if o.ends_at < now]
    occurrence = past[-1]
    came = [make_family(eworld.program_a, eworld.coordinator, n) for n in ("Alvarez", "Brook")]
    for family in came:
        attendance_mark(occurrence=occurrence, family=family, present=True, by=eworld.mentor)
    session = GroupSession.objects.get(group=group)
    eworld.objects.update(
        {
            "group": group,
            "occurrence": occurrence,
            "session": session,
            "came": came,
            "absent": make_family(eworld.program_a, eworld.coordinator, "Castro"),
        }
    )
    return eworld


def _url(w) -> str:
    return reverse("encounters:group_session_note", args=[w.objects["session"].pk])


def _themes(w) -> list[Theme]:
    return list(Theme.objects.filter(program=w.program_a, slug__in=["self-care", "grief-loss"]))


def _post(w, **values):
    session = w.objects["session"]
    data = {
        "families": [f.pk for f in w.objects["came"]],
        "occurred_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "setting": "community",
        "mode": "in_person",
        "initiated_by": "mentor",
        "support_types": ["emotional", "informational"],
        "themes": [t.pk for t in _themes(w)],
        "notes": "canary-session-note",
    }
    data.update(values)
    return data


def test_a_facilitating_mentor_writes_a_note_with_a_concern_for_the_supervisor(
    nworld, django_capture_on_commit_callbacks
) -> None:
    client = nworld.client("mentor")
    attendance = client.get(
        reverse(
            "groups:attendance", args=[nworld.objects["group"].pk, nworld.objects["occurrence"].key]
        )
    )
    assert _url(nworld) in attendance.content.decode()
    assert "Write the session note" in attendance.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(nworld), _post(nworld, concern="safety", concern_details="Spoke of no safe home.")
        )
    assert response.status_code == 302
    note = Encounter.objects.get()
    assert note.group_session == nworld.objects["session"]
    assert note.created_by == nworld.mentor
    assert set(note.families.all()) == set(nworld.objects["came"])
    assert list(note.mentors.all()) == [nworld.objects["ana"]]
    assert sorted(note.supports.values_list("support_type", flat=True)) == [
        "emotional",
        "informational",
    ]
    assert set(note.themes.all()) == set(_themes(nworld)) and len(_themes(nworld)) == 2
    escalation = note.escalation
    assert escalation.status == "open" and escalation.severity == "urgent"
    assert escalation.mentor == nworld.objects["ana"]
    queue = nworld.client("supervisor").get(reverse("mentors:supervision"))
    assert reverse("mentors:escalation", args=[escalation.pk]) in queue.content.decode()
    again = client.get(
        reverse(
            "groups:attendance", args=[nworld.objects["group"].pk, nworld.objects["occurrence"].key]
        )
    )
    assert "Edit the session note" in again.content.decode()


def test_the_form_is_prefilled_from_the_session(nworld) -> None:
    session = nworld.objects["session"]
    GroupSession.objects.filter(pk=session.pk).update(format="video")
    page = nworld.client("coordinator").get(_url(nworld))
    assert page.status_code == 200
    form = page.context["form"]
    when = timezone.localtime(session.starts_at).replace(second=0, microsecond=0)
    assert form.initial["occurred_at"] == when
    assert form.initial["duration_minutes"] == 90
    assert form.initial["mode"] == "video" and form.initial["setting"] == "virtual"
    assert sorted(form.initial["families"]) == sorted(f.pk for f in nworld.objects["came"])
    assert form.initial["mentors"] == [nworld.objects["ana"].pk]
    html = page.content.decode()
    assert "Alvarez" in html and "Brook" in html and "Castro" not in html
    assert "Write the session note" in html


def test_only_the_families_marked_present_may_be_chosen(nworld) -> None:
    absent = nworld.objects["absent"]
    response = nworld.client("mentor").post(_url(nworld), _post(nworld, families=[absent.pk]))
    assert response.status_code == 400
    assert not Encounter.objects.exists()
    assert "Castro" not in response.content.decode()


def test_a_second_visit_edits_the_note_and_the_database_keeps_one(nworld) -> None:
    client = nworld.client("mentor")
    assert client.post(_url(nworld), _post(nworld)).status_code == 302
    note = Encounter.objects.get()
    page = client.get(_url(nworld))
    assert page.status_code == 200 and "Edit the session note" in page.content.decode()
    assert page.context["form"].initial["version"] == note.version
    edited = client.post(
        _url(nworld), _post(nworld, support_types=["tangible"], version=str(note.version))
    )
    assert edited.status_code == 302
    assert Encounter.objects.count() == 1
    assert list(note.supports.values_list("support_type", flat=True)) == ["tangible"]
    assert note.revisions.count() == 1

    data = EncounterInput(
        occurred_at=timezone.now(),
        duration_minutes=30,
        setting="community",
        mode="in_person",
        initiated_by="mentor",
        families=nworld.objects["came"][:1],
        mentors=[nworld.objects["ana"]],
        support_types=["emotional"],
        group_session=nworld.objects["session"],
    )
    with pytest.raises(ValidationError):
        encounter_create(program=nworld.program_a, data=data, by=nworld.coordinator)
    data.group_session = None
    other = encounter_create(program=nworld.program_a, data=data, by=nworld.coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Encounter.objects.filter(pk=other.pk).update(group_session=nworld.objects["session"])
    data.group_session = nworld.objects["session"]
    # A note entered in error leaves room for the right one.
    encounter_mark_error(encounter=note, reason="Wrong session", by=nworld.mentor)
    encounter_create(program=nworld.program_a, data=data, by=nworld.coordinator)
    assert Encounter.objects.counted().filter(group_session=nworld.objects["session"]).count() == 1


def test_a_note_written_meanwhile_is_not_duplicated(nworld) -> None:
    client = nworld.client("mentor")
    form = client.get(_url(nworld))
    assert form.status_code == 200
    coordinator = nworld.client("coordinator")
    ana = nworld.objects["ana"]
    assert coordinator.post(_url(nworld), _post(nworld, mentors=[ana.pk])).status_code == 302
    # Ana's form was the blank one (no version): her post must not write a second note.
    late = client.post(_url(nworld), _post(nworld))
    assert late.status_code == 400
    assert Encounter.objects.count() == 1


def test_two_first_notes_at_once_keep_one_and_the_second_writer_keeps_their_input(
    nworld, monkeypatch
) -> None:
    from kindred.encounters import session_note_views

    ana = nworld.objects["ana"]
    coordinator = nworld.client("coordinator")
    assert coordinator.post(_url(nworld), _post(nworld, mentors=[ana.pk])).status_code == 302
    real = session_note_views.session_note
    calls: list[int] = []

    def seen_before_the_coordinator_saved(session):
        calls.append(1)
        return None if len(calls) == 1 else real(session)

    monkeypatch.setattr(session_note_views, "session_note", seen_before_the_coordinator_saved)
    late = nworld.client("mentor").post(_url(nworld), _post(nworld, notes="late-canary"))
    assert late.status_code == 409
    assert "late-canary" in late.content.decode()
    assert Encounter.objects.count() == 1


def test_the_encounter_edit_page_of_a_note_leads_to_the_note_page(nworld) -> None:
    client = nworld.client("mentor")
    assert client.post(_url(nworld), _post(nworld)).status_code == 302
    note = Encounter.objects.get()
    response = client.get(reverse("encounters:edit", args=[note.pk]))
    assert response.status_code == 302 and response.url == _url(nworld)


def test_the_note_s_encounter_page_names_its_session(nworld) -> None:
    assert nworld.client("mentor").post(_url(nworld), _post(nworld)).status_code == 302
    note = Encounter.objects.get()
    detail = reverse("encounters:detail", args=[note.pk])
    session = nworld.objects["session"]
    start = date_format(session.starts_at.astimezone(zone(session.group)), "DATETIME_FORMAT")
    page = nworld.client("mentor").get(detail).content.decode()
    assert f"Support group session</dt><dd>Heart parents · {start}" in page
    assert f'href="{_url(nworld)}">Open the session note' in page
    # The supervisor reads it (named) but does not write it; an ordinary encounter names none.
    page = nworld.client("supervisor").get(detail).content.decode()
    assert "Heart parents" in page and _url(nworld) not in page
    other = logged(nworld)
    page = nworld.client("mentor").get(reverse("encounters:detail", args=[other.pk]))
    assert "Support group session" not in page.content.decode()


def test_another_programs_user_gets_404_and_a_mentor_who_does_not_lead_403(nworld) -> None:
    assert nworld.client("outsider").get(_url(nworld)).status_code == 404
    assert nworld.client("outsider").post(_url(nworld), _post(nworld)).status_code == 404
    # Referrers and evaluators reach no encounter at all: the session's note is not found.
    for persona in ("referrer", "evaluator"):
        assert nworld.client(persona).get(_url(nworld)).status_code == 404, persona
    user = personas.make_user("bea@a.test", "Bea Mentor")
    Membership.objects.create(user=user, program=nworld.program_a, role=Role.MENTOR)
    bea = nworld.objects["bea"]
    bea.user = user
    bea.save(update_fields=["user"])
    client = personas.signed_in(Client(), user)
    assert client.get(_url(nworld)).status_code == 403
    assert client.post(_url(nworld), _post(nworld)).status_code == 403
    assert not Encounter.objects.exists()
    assert not Escalation.objects.exists()


def test_the_note_is_read_by_the_writer_and_staff_and_shown_once_on_the_story(nworld) -> None:
    assert nworld.client("mentor").post(_url(nworld), _post(nworld)).status_code == 302
    note = Encounter.objects.get()
    detail = reverse("encounters:detail", args=[note.pk])
    for persona in ("mentor", "supervisor", "coordinator"):
        assert "canary-session-note" in nworld.client(persona).get(detail).content.decode()
    # The supervisor reads the note on its page; they do not write one.
    assert nworld.client("supervisor").get(_url(nworld)).url == detail
    family = nworld.objects["came"][0]
    story = nworld.client("coordinator").get(reverse("families:detail", args=[family.pk]))
    assert story.content.decode().count(detail) == 1
    assert "Support group session note" in story.content.decode()
    for persona in ("referrer", "evaluator"):
        page = nworld.client(persona).get(reverse("families:detail", args=[family.pk]))
        assert detail not in page.content.decode(), persona


def test_the_page_speaks_spanish(nworld) -> None:
    User.objects.filter(pk=nworld.mentor.pk).update(language="es")
    client = nworld.client("mentor")
    page = client.get(_url(nworld), HTTP_ACCEPT_LANGUAGE="es")
    assert "Escribir la nota de la sesión" in page.content.decode()
    refused = client.post(
        _url(nworld),
        _post(nworld, families=[nworld.objects["absent"].pk]),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert refused.status_code == 400
    assert "Revise las respuestas marcadas" in refused.content.decode()
