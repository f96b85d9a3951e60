"""programs.access.get_membership_for: a membership of the current program, through the kit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.core.testing.access import denials
from kindred.core.testing.personas import request_as
from kindred.programs.access import get_membership_for
from kindred.programs.models import Membership
from kindred.programs.permissions import Cap

MEMBERSHIP = "programs.membership"


@pytest.fixture
def membership(world):
    return Membership.objects.get(user=world.mentor, program=world.program_a)


def test_it_answers_a_membership_of_the_current_program(world, membership) -> None:
    request = request_as(world.coordinator, program=world.program_a)
    assert get_membership_for(request, str(membership.pk)) == membership
    assert denials(MEMBERSHIP) == []


def test_it_answers_404_to_an_outsider_and_audits_once(world, membership) -> None:
    with pytest.raises(Http404):
        get_membership_for(request_as(world.outsider, program=world.program_b), membership.pk)
    assert denials(MEMBERSHIP) == [(world.outsider.pk, None, str(membership.pk), {})]


def test_it_answers_403_to_a_member_without_the_capability(world, membership) -> None:
    with pytest.raises(PermissionDenied):
        get_membership_for(request_as(world.supervisor, program=world.program_a), membership.pk)
    assert denials(MEMBERSHIP) == [
        (
            world.supervisor.pk,
            world.program_a.pk,
            str(membership.pk),
            {"capability": Cap.MEMBERS_MANAGE},
        )
    ]


@pytest.mark.parametrize("pk", ["abc", "", None, "99999999"])
def test_it_answers_404_to_a_bad_key(world, pk) -> None:
    with pytest.raises(Http404):
        get_membership_for(request_as(world.coordinator, program=world.program_a), pk)
    assert len(denials(MEMBERSHIP)) == 1


def test_it_keeps_to_the_current_program(world) -> None:
    """A coordinator of two programs reaches a membership of the one they are working in."""
    Membership.objects.create(user=world.coordinator, program=world.program_b, role="coordinator")
    theirs = Membership.objects.get(user=world.outsider, program=world.program_b)
    with pytest.raises(Http404):
        get_membership_for(request_as(world.coordinator, program=world.program_a), theirs.pk)
    request = request_as(world.coordinator, program=world.program_b)
    assert get_membership_for(request, theirs.pk) == theirs
