"""A family service's errors (FamilyInputError, each at its FieldPath) land on the form field
where the input was typed, in one place (families.forms.apply_service_errors)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kindred.families.forms import (
    CaregiverForm,
    ChildForm,
    FamilyForm,
    FirstConsentForm,
    apply_service_errors,
    family_page_place,
    flat_form_place,
)
from kindred.families.inputs import FamilyInputError, FieldPath
from kindred.families.models import Caregiver, Family
from kindred.families.tests.forms_data import ANA, MATEO, family_post

pytestmark = pytest.mark.django_db


def _bound_forms(world):  # type: ignore[no-untyped-def]
    family_form = FamilyForm({"zip_code": "60614"})
    caregivers = [
        CaregiverForm(
            {
                f"c{n}-{k}": v
                for k, v in {
                    **ANA,
                    "relationship": "mother",
                    "preferred_contact_method": "phone",
                }.items()
            },
            prefix=f"c{n}",
        )
        for n in range(2)
    ]
    child = ChildForm({f"k-{k}": v for k, v in MATEO.items()}, prefix="k", program=world.program_a)
    consent = FirstConsentForm({"consent-method": "verbal"}, prefix="consent")
    for form in (family_form, *caregivers, child, consent):
        assert form.is_valid(), form.errors
    return family_form, caregivers, child, consent


def test_it_puts_each_error_on_the_field_of_its_path(world) -> None:
    family_form, caregivers, child, consent = _bound_forms(world)
    error = FamilyInputError(
        {
            FieldPath("zip_code"): [ValidationError("Bad ZIP")],
            FieldPath("caregivers", 1, "phone"): [ValidationError("Bad phone")],
            FieldPath("caregivers", 0): [ValidationError("Unknown caregiver.")],
            FieldPath("children", 0, "conditions"): [ValidationError("Not in the list")],
            FieldPath("consents", 0, "scope"): [ValidationError("Bad scope")],
            FieldPath("caregivers"): [ValidationError("Only one primary")],
            FieldPath(): [ValidationError("Record closed")],
        }
    )
    leftover = apply_service_errors(
        error,
        family_page_place(
            family_form=family_form,
            caregiver_forms=caregivers,
            child_forms=[child],
            consent_form=consent,
        ),
    )
    assert family_form.errors["zip_code"] == ["Bad ZIP"]
    assert family_form.non_field_errors() == ["Record closed"]
    assert caregivers[1].errors["phone"] == ["Bad phone"]
    assert "phone" not in caregivers[0].errors
    assert caregivers[0].non_field_errors() == ["Unknown caregiver."]
    assert child.errors["conditions"] == ["Not in the list"]
    assert consent.errors["scopes"] == ["Bad scope"]
    # About the caregivers as a whole: no one form takes it, the page shows it on top.
    assert leftover == ["Only one primary"]
    assert dict(error.locations())["caregivers[1].phone"] == "Bad phone"


def test_it_puts_a_path_and_a_form_field_name_on_a_flat_form(world) -> None:
    family_form, _caregivers, _child, _consent = _bound_forms(world)
    place = flat_form_place(family_form, {FieldPath("caregivers", 0, "phone"): "city"})
    family_error = FamilyInputError({FieldPath("caregivers", 0, "phone"): [ValidationError("x")]})
    own_error = ValidationError({"state": ["y"], "nowhere": ["z"]})
    assert apply_service_errors(family_error, place) == []
    assert apply_service_errors(own_error, place) == []
    assert family_form.errors["city"] == ["x"]
    assert family_form.errors["state"] == ["y"]
    assert family_form.non_field_errors() == ["z"]


def test_it_answers_a_service_refusal_on_the_new_family_page_with_400(world) -> None:
    client = world.client("coordinator")
    data = family_post(
        caregivers=[
            {**ANA, "is_primary": "on"},
            {"first_name": "Luis", "last_name": "García", "is_primary": "on", "phone": ""},
        ],
        children=[MATEO],
    )
    response = client.post(reverse("families:create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Only one caregiver can be the primary contact." in page
    assert 'value="Luis"' in page and 'value="Mateo"' in page
    assert not Family.objects.exists() and not Caregiver.objects.exists()


def test_it_answers_the_same_refusal_in_spanish(world) -> None:
    world.coordinator.language = "es"
    world.coordinator.save()
    client = world.client("coordinator")
    data = family_post(
        caregivers=[
            {**ANA, "is_primary": "on"},
            {"first_name": "Luis", "last_name": "García", "is_primary": "on", "phone": ""},
        ],
    )
    response = client.post(reverse("families:create"), data)
    assert response.status_code == 400
    assert "Solo un cuidador puede ser el contacto principal." in response.content.decode()
    assert not Family.objects.exists()
