"""A family waiting for a one-to-one match is offered the next session of a group in their
language (issue 12): on the family's ranked mentors ("while the family waits"), and on the
waiting list, per language. Groups fills matching's page sections without importing it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.families.models import Consent
from kindred.groups.models import Registration
from kindred.groups.services import registration_create
from kindred.groups.tests.factories import make_group
from kindred.matching.tests.factories import active_match, waiting_family

pytestmark = pytest.mark.django_db


def _groups_consent(family, by) -> None:
    for scope in (Consent.Scope.GROUPS, Consent.Scope.CONTACT):
        Consent.objects.create(
            family=family,
            scope=scope,
            decision=Consent.Decision.GRANTED,
            method="verbal",
            recorded_by=by,
        )


@pytest.fixture
def soon():
    # A weekly group whose rule started last week: there is always a session in the next 7 days.
    return (timezone.localdate() - timedelta(days=7), "FREQ=WEEKLY")


def test_the_waiting_familys_ranking_offers_the_next_group_in_their_language(mworld, soon):
    family = mworld.objects["family"]  # waiting, Spanish
    _groups_consent(family, mworld.coordinator)
    first, rule = soon
    es = make_group(mworld.program_a, name="Familias", language="es", first_date=first, rrule=rule)
    make_group(mworld.program_a, name="Heart parents", language="en", first_date=first, rrule=rule)
    client = mworld.client("coordinator")
    text = client.get(f"/matching/family/{family.pk}/").content.decode()
    assert "While the family waits: a support group" in text
    assert "Familias" in text and "Heart parents" not in text
    assert "Next session:" in text
    assert 'name="back" value="matching"' in text
    response = client.post(f"/groups/{es.pk}/register/", {"family": family.pk, "back": "matching"})
    assert response.status_code == 302
    assert response["Location"] == f"/matching/family/{family.pk}/"
    assert Registration.objects.get(family=family).group == es


def test_a_matched_family_is_not_offered_a_group_on_the_ranking(mworld, soon):
    family = mworld.objects["family"]
    _groups_consent(family, mworld.coordinator)
    first, rule = soon
    make_group(mworld.program_a, name="Familias", language="es", first_date=first, rrule=rule)
    active_match(mworld, family, mworld.objects["ana"])
    text = mworld.client("coordinator").get(f"/matching/family/{family.pk}/").content.decode()
    assert "While the family waits" not in text


def test_the_waiting_list_says_the_next_group_per_language(mworld, soon):
    family = mworld.objects["family"]  # Spanish
    english = waiting_family(mworld, name="Olsen", language="en")
    first, rule = soon
    es = make_group(mworld.program_a, name="Familias", language="es", first_date=first, rrule=rule)
    _groups_consent(family, mworld.coordinator)
    registration_create(group=es, family=family, by=mworld.coordinator)
    make_group(mworld.program_b, name="Elsewhere", language="en", first_date=first, rrule=rule)
    text = mworld.client("coordinator").get("/matching/").content.decode()
    assert "Support groups while families wait" in text
    assert "Familias" in text and f"/groups/{es.pk}/" in text
    assert "0 of them not registered" in text  # the Spanish family is in the group already
    # English: no group of program A (program B's does not count).
    assert "Elsewhere" not in text
    assert "No group in this language in the next three months" in text
    assert english.pk


def test_the_waiting_list_panel_in_spanish(mworld, soon):
    first, rule = soon
    make_group(
        mworld.program_a,
        name="Families",
        name_es="Familias unidas",
        language="es",
        first_date=first,
        rrule=rule,
    )
    mworld.coordinator.language = "es"
    mworld.coordinator.save(update_fields=["language"])
    text = mworld.client("coordinator").get("/matching/").content.decode()
    assert "Grupos de apoyo mientras las familias esperan" in text
    assert "Familias unidas" in text


def test_a_mentor_sees_no_group_offer(mworld, soon):
    family = mworld.objects["family"]
    first, rule = soon
    make_group(mworld.program_a, name="Familias", language="es", first_date=first, rrule=rule)
    response = mworld.client("mentor").get(f"/matching/family/{family.pk}/")
    assert response.status_code == 403  # no matching.view: the program decorator refuses
