from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import request_as
from kindred.families.access import get_family_for
from kindred.families.consent import consent_record, may, with_consent
from kindred.families.duplicates import find_likely_duplicates
from kindred.families.inputs import FamilyInput, FamilyInputError, FieldPath
from kindred.families.models import Caregiver, Child, Condition, Consent, Experience, Family
from kindred.families.services import DuplicateSubmission, family_create, family_merge
from kindred.families.tests.conftest import make_family
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db


def test_it_ships_the_starter_lists() -> None:
    assert Condition.objects.filter(program=None, code="Q21.3").get().label == "Tetralogy of Fallot"
    assert Condition.objects.filter(program=None).count() >= 40
    assert Experience.objects.filter(program=None, name="Tracheostomy").exists()
    assert all(c.label_es for c in Condition.objects.filter(program=None))


def test_it_creates_a_family_with_people_and_consent(world, down_syndrome) -> None:
    family = make_family(world, child={"conditions": [down_syndrome.pk]})
    assert family.name == "García"
    assert family.caregivers.get().is_primary
    assert list(family.children.get().conditions.all()) == [down_syndrome]
    assert "ana garcia" in family.search_text and "mateo garcia" in family.search_text
    assert family.search_phones == "3125550142"
    assert may(family, Consent.Scope.CONTACT)
    assert not may(family, Consent.Scope.SHARE_WITH_MENTOR)
    event = AuditEvent.objects.get(action="families.family.created")
    assert event.object_id == str(family.pk)
    assert "García" not in str(event.detail) and "Ana" not in str(event.fields)


def test_it_refuses_a_birth_date_in_the_future_and_writes_nothing(world) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        make_family(world, child={"date_of_birth": tomorrow})
    assert "children[0].date_of_birth" in caught.value.message_dict
    assert not Family.objects.exists() and not Caregiver.objects.exists()


def test_it_enforces_the_birth_date_in_the_database(world, family) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.filter(family=family).update(date_of_birth=date(2999, 1, 1))


def test_it_reports_bad_input_by_part(world) -> None:
    with pytest.raises(ValidationError) as caught:
        make_family(
            world,
            caregiver={"first_name": "", "phone": "12"},
            family={"zip_code": "ABC"},
        )
    error = caught.value
    assert isinstance(error, FamilyInputError)
    # Each problem at its path: what a form maps to its field, an API to an
    # OperationOutcome issue's expression.
    assert set(error.paths) == {
        FieldPath("caregivers", 0, "first_name"),
        FieldPath("caregivers", 0, "phone"),
        FieldPath("zip_code"),
    }
    locations = dict(error.locations())
    assert set(locations) == {"caregivers[0].first_name", "caregivers[0].phone", "zip_code"}
    assert locations["caregivers[0].phone"] == (
        "Enter a phone number with its area code, e.g. 312-555-0142."
    )
    assert set(error.message_dict) == set(locations)
    assert not Family.objects.exists() and not Caregiver.objects.exists()


def test_it_lets_the_latest_consent_entry_decide(world, family) -> None:
    consent_record(
        family=family,
        scope=Consent.Scope.CONTACT,
        decision=Consent.Decision.WITHDRAWN,
        method=Consent.Method.VERBAL,
        by=world.coordinator,
    )
    assert not may(family, Consent.Scope.CONTACT)
    assert not with_consent(Family.objects.all(), Consent.Scope.CONTACT).exists()
    consent_record(
        family=family,
        scope=Consent.Scope.CONTACT,
        decision=Consent.Decision.GRANTED,
        method=Consent.Method.WRITTEN,
        by=world.coordinator,
        given_by=family.caregivers.get(),
    )
    assert may(family.pk, Consent.Scope.CONTACT)
    assert list(with_consent(Family.objects.all(), Consent.Scope.CONTACT)) == [family]
    assert AuditEvent.objects.filter(action="families.consent.withdrawn").count() == 1


def test_it_answers_no_for_a_record_entered_in_error(world, family) -> None:
    family.transition(to=Family.Status.ENTERED_IN_ERROR, reason="Test record", by=world.coordinator)
    assert not may(family, Consent.Scope.CONTACT)


def test_it_scopes_families_to_programs_and_roles(world, family) -> None:
    other = make_family(world, program=world.program_b, by=world.outsider)
    assert list(Family.objects.visible_to(world.coordinator)) == [family]
    assert list(Family.objects.visible_to(world.supervisor)) == [family]
    assert list(Family.objects.visible_to(world.outsider)) == [other]
    for persona in ("mentor", "referrer", "evaluator", "admin", "curator"):
        assert not Family.objects.visible_to(world.users[persona]).exists(), persona


def test_it_validates_ownership(world, family) -> None:
    assert get_family_for(request_as(world.coordinator), family.pk) == family
    with pytest.raises(Http404):
        get_family_for(request_as(world.outsider), family.pk)
    assert AuditEvent.objects.filter(
        action="families.family.access_denied", actor=world.outsider, object_id=str(family.pk)
    ).exists()
    with pytest.raises(PermissionDenied):
        get_family_for(request_as(world.supervisor), family.pk, capability=Cap.FAMILIES_EDIT)


def test_it_finds_likely_duplicates(world, family) -> None:
    def find(**kwargs):
        return find_likely_duplicates(program=world.program_a, **kwargs)

    assert find(phone="312.555.0142") == [family]
    assert find(email="ANA.GARCIA@example.test") == [family]
    assert find(caregiver_name="Ana Garcia", child_birth_date=date(2024, 3, 9)) == [family]
    assert find(caregiver_name="Ana Garsia", child_birth_date=date(2024, 3, 9)) == [family]
    assert find(caregiver_name="Ana Garcia", child_birth_date=date(2024, 3, 10)) == []
    assert find(caregiver_name="Lupe Torres", child_birth_date=date(2024, 3, 9)) == []
    assert find_likely_duplicates(program=world.program_b, phone="3125550142") == []


def test_it_creates_one_family_per_form_token(world) -> None:
    first = make_family(world, form_token="tok-1")
    with pytest.raises(DuplicateSubmission) as caught:
        make_family(world, form_token="tok-1")
    assert caught.value.family == first
    assert Family.objects.count() == 1


def test_it_merges_without_losing_anything(world, family) -> None:
    twin = make_family(
        world,
        caregiver={
            "first_name": "Luis",
            "last_name": "García",
            "relationship": "father",
            "phone": "",
            "email": "",
        },
        child={"first_name": "Sofía", "date_of_birth": date(2021, 6, 1)},
        family={"notes": "Prefers evening calls."},
    )
    merge = family_merge(keep=family, merged=twin, by=world.coordinator)
    assert family.caregivers.count() == 2 and family.children.count() == 2
    assert family.consents.count() == 2
    assert family.caregivers.filter(is_primary=True).count() == 1
    assert "Prefers evening calls." in family.notes
    twin.refresh_from_db()
    assert twin.status == Family.Status.MERGED and twin.merged_into == family
    assert twin.transitions.get().to_status == Family.Status.MERGED
    assert len(merge.moved["caregivers"]) == 1
    assert AuditEvent.objects.filter(
        action="families.family.merged_in", object_id=str(family.pk)
    ).exists()


def test_it_requires_a_caregiver(world) -> None:
    with pytest.raises(FamilyInputError) as caught:
        family_create(
            program=world.program_a, family=FamilyInput(caregivers=[]), by=world.coordinator
        )
    assert dict(caught.value.locations()) == {"caregivers": "Add at least one caregiver."}
