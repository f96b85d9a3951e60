"""families.access.get_family_import_for: a spreadsheet import of the current program, fetched
through the access kit (404 out of reach, 403 without the capability asked, audited once)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.core.testing.access import denials
from kindred.core.testing.personas import request_as
from kindred.families.access import get_family_import_for
from kindred.families.models import FamilyImport
from kindred.programs.models import Membership
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db

IMPORT = "families.familyimport"


@pytest.fixture
def job(world):
    return FamilyImport.objects.create(
        program=world.program_a, uploaded_by=world.coordinator, filename="families.csv"
    )


def test_the_coordinator_reaches_their_programs_import(world, job) -> None:
    request = request_as(world.coordinator, program=world.program_a)
    assert get_family_import_for(request, str(job.pk)) == job
    assert denials(IMPORT) == []


@pytest.mark.parametrize("persona", ["outsider", "supervisor", "mentor"])
def test_an_import_is_404_without_import_and_export_in_its_program(world, job, persona) -> None:
    user = world.users[persona]
    program = world.program_b if persona == "outsider" else world.program_a
    with pytest.raises(Http404):
        get_family_import_for(request_as(user, program=program), job.pk)
    assert denials(IMPORT) == [(user.pk, None, str(job.pk), {})]


def test_it_answers_403_without_the_capability_asked(world, job) -> None:
    request = request_as(world.coordinator, program=world.program_a)
    with pytest.raises(PermissionDenied):
        get_family_import_for(request, job.pk, capability=Cap.DIRECTORY_CURATE)
    assert denials(IMPORT) == [
        (
            world.coordinator.pk,
            world.program_a.pk,
            str(job.pk),
            {"capability": Cap.DIRECTORY_CURATE},
        )
    ]


@pytest.mark.parametrize("pk", ["abc", "", None, "99999999"])
def test_a_bad_key_is_404(world, job, pk) -> None:
    with pytest.raises(Http404):
        get_family_import_for(request_as(world.coordinator, program=world.program_a), pk)
    assert len(denials(IMPORT)) == 1


def test_it_keeps_to_the_current_program(world, job) -> None:
    """A coordinator of two programs works on one at a time: the other's import is 404 here."""
    Membership.objects.create(user=world.coordinator, program=world.program_b, role="coordinator")
    with pytest.raises(Http404):
        get_family_import_for(request_as(world.coordinator, program=world.program_b), job.pk)
