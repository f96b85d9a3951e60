"""Logging an encounter on the one-screen form: happy path, bad input (400, nothing saved),
another program's person (404)."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.encounters.models import (
    Encounter,
    EncounterFamily,
    EncounterSupport,
    FollowUp,
)
from kindred.encounters.tests.factories import form_data, logged

pytestmark = pytest.mark.django_db


def test_the_form_opens_from_a_family_with_the_family_ticked_and_now_filled_in(eworld) -> None:
    family = eworld.objects["family"]
    page = eworld.client("mentor").get(reverse("encounters:new") + f"?family={family.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{family.pk}"' in html and "checked" in html
    assert page.context["form"].initial["occurred_at"] is not None
    assert page.context["form"].initial["families"] == [family.pk]


def test_the_form_opens_from_a_match(eworld) -> None:
    match = eworld.objects["match"]
    page = eworld.client("mentor").get(reverse("encounters:new") + f"?match={match.pk}")
    assert page.context["form"].initial["families"] == [match.family_id]


def test_a_mentor_logs_an_encounter_with_two_support_types_and_three_themes(eworld) -> None:
    client = eworld.client("mentor")
    response = client.post(reverse("encounters:new"), form_data(eworld))
    assert response.status_code == 302, response.content.decode()[:2000]
    encounter = Encounter.objects.get()
    assert response["Location"] == reverse("encounters:detail", args=[encounter.pk])
    assert sorted(encounter.supports.values_list("support_type", flat=True)) == [
        "emotional",
        "tangible",
    ]
    assert encounter.themes.count() == 3
    link = EncounterFamily.objects.get(encounter=encounter)
    assert link.match == eworld.objects["match"]
    assert list(encounter.mentors.all()) == [eworld.objects["ana"]]
    assert encounter.created_by == eworld.mentor
    follow_up = FollowUp.objects.get()
    assert (
        follow_up.mentor == eworld.objects["ana"] and follow_up.family == eworld.objects["family"]
    )
    assert AuditEvent.objects.filter(
        action="encounters.encounter.created", object_id=str(encounter.pk)
    ).exists()
    # The next form starts from this one's setting and mode.
    page = client.get(reverse("encounters:new"))
    assert page.context["form"].initial["setting"] == "inpatient"


@pytest.mark.parametrize(
    "over",
    [
        {"support_types": None},
        {"support_types": ["hugs"]},
        {"duration_minutes": "0"},
        {"duration_minutes": "601"},
        {"setting": "moon"},
        {"occurred_at": "not a date"},
        {"occurred_at": "2999-01-01T10:00"},
        {"families": None},
        {"follow_up_due": None},
        {"themes": ["999999"]},
    ],
)
def test_bad_input_answers_400_and_saves_nothing(eworld, over) -> None:
    response = eworld.client("mentor").post(reverse("encounters:new"), form_data(eworld, **over))
    assert response.status_code == 400
    assert "errors" in response.content.decode()
    assert not Encounter.objects.exists()
    assert not EncounterSupport.objects.exists() and not FollowUp.objects.exists()


def test_a_family_not_matched_to_the_mentor_cannot_be_chosen(eworld) -> None:
    from kindred.matching.tests.factories import waiting_family

    other = waiting_family(eworld, name="Unmatched")
    response = eworld.client("mentor").post(
        reverse("encounters:new"), form_data(eworld, families=[other.pk])
    )
    assert response.status_code == 400
    assert not Encounter.objects.exists()


def test_a_child_of_another_family_is_refused(eworld) -> None:
    from kindred.matching.tests.factories import waiting_family

    other = waiting_family(eworld, name="Other")
    child = other.children.first()
    response = eworld.client("coordinator").post(
        reverse("encounters:new"),
        form_data(eworld, children=[child.pk], caregivers=None),
    )
    assert response.status_code == 400
    assert not Encounter.objects.exists()


def test_another_programs_person_gets_404(eworld) -> None:
    encounter = logged(eworld)
    outsider = eworld.client("outsider")
    for name in ("encounters:detail", "encounters:edit"):
        assert outsider.get(reverse(name, args=[encounter.pk])).status_code == 404
    assert (
        outsider.post(reverse("encounters:error", args=[encounter.pk]), {"reason": "x"}).status_code
        == 404
    )
    # Their own form does not offer program A's family, and refuses it.
    response = outsider.post(reverse("encounters:new"), form_data(eworld))
    assert response.status_code == 400
    assert Encounter.objects.count() == 1


def test_a_coordinator_logs_for_a_mentor_from_the_match_page(eworld) -> None:
    match = eworld.objects["match"]
    client = eworld.client("coordinator")
    page = client.get(reverse("encounters:new") + f"?match={match.pk}")
    assert page.context["form"].initial["mentors"] == [match.mentor_id]
    response = client.post(reverse("encounters:new"), form_data(eworld, mentors=[match.mentor_id]))
    assert response.status_code == 302
    assert list(Encounter.objects.get().mentors.all()) == [match.mentor]


def test_a_supervisor_reads_but_does_not_log(eworld) -> None:
    client = eworld.client("supervisor")
    assert client.get(reverse("encounters:new")).status_code == 403
    encounter = logged(eworld)
    assert client.get(reverse("encounters:detail", args=[encounter.pk])).status_code == 200
    assert client.get(reverse("encounters:edit", args=[encounter.pk])).status_code == 403


def test_a_posted_family_of_another_program_shows_none_of_its_people(eworld) -> None:
    family = eworld.objects["family"]
    caregiver = family.caregivers.first()
    response = eworld.client("outsider").post(
        reverse("encounters:new"), form_data(eworld, caregivers=[caregiver.pk])
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Quintero" not in html and caregiver.first_name not in html
