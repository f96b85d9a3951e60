"""The one access kit (kindred.programs.access.get_scoped_or_404), on a real model: Family."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import request_as
from kindred.families.models import Family
from kindred.families.tests.conftest import make_family
from kindred.programs.access import get_scoped_or_404
from kindred.programs.permissions import Cap


@pytest.fixture
def family(world):
    return make_family(world)


def denials():
    return list(
        AuditEvent.objects.filter(action="families.family.access_denied")
        .order_by("pk")
        .values_list("actor_id", "program_id", "object_id")
    )


def test_it_answers_the_row_to_a_member_with_the_capability(world, family) -> None:
    request = request_as(world.coordinator)
    found = get_scoped_or_404(
        request, Family.objects.all(), str(family.pk), capability=Cap.FAMILIES_EDIT
    )
    assert found == family
    assert denials() == []


def test_it_answers_404_outside_the_users_programs_and_audits_once(world, family) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.outsider), Family.objects.all(), family.pk)
    assert denials() == [(world.outsider.pk, None, str(family.pk))]


def test_it_answers_403_inside_the_program_without_the_capability(world, family) -> None:
    request = request_as(world.supervisor)
    assert get_scoped_or_404(request, Family.objects.all(), family.pk) == family
    with pytest.raises(PermissionDenied):
        get_scoped_or_404(request, Family.objects.all(), family.pk, capability=Cap.FAMILIES_EDIT)
    assert denials() == [(world.supervisor.pk, world.program_a.pk, str(family.pk))]
    event = AuditEvent.objects.get(action="families.family.access_denied")
    assert event.detail == {"capability": Cap.FAMILIES_EDIT}


@pytest.mark.parametrize("pk", ["abc", "", "1.5", None, "99999999"])
def test_it_answers_404_to_a_key_that_is_no_row(world, family, pk) -> None:
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.coordinator), Family.objects.all(), pk)
    assert len(denials()) == 1


def test_it_answers_404_to_anonymous_and_inactive_people(world, family) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_scoped_or_404(request_as(AnonymousUser()), Family.objects.all(), family.pk)
    world.coordinator.is_active = False
    with pytest.raises(Http404):
        get_scoped_or_404(request_as(world.coordinator), Family.objects.all(), family.pk)
    assert [actor for actor, _program, _obj in denials()] == [None, world.coordinator.pk]
