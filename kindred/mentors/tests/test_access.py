"""The mentors app's access wrappers, each a thin use of the access kit: 404 outside the
person's reach, 403 within it without the capability asked, each refusal audited once."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.core.testing.access import denials
from kindred.core.testing.personas import request_as
from kindred.mentors import access
from kindred.mentors.models import (
    Escalation,
    QualificationType,
    ScreeningItem,
    WellbeingCheckIn,
)
from kindred.mentors.tests.factories import make_active, make_cohort, make_course
from kindred.programs.permissions import Cap

pytestmark = pytest.mark.django_db


def _mentor(w: Any) -> Any:
    return make_active(w.program_a, w.coordinator, email="mentor@a.test")


def _escalation(w: Any) -> Any:
    return Escalation.objects.create(
        program=w.program_a,
        mentor=_mentor(w),
        raised_by=w.supervisor,
        concern="A concern",
        severity="high",
    )


def _checkin(w: Any) -> Any:
    return WellbeingCheckIn.objects.create(
        mentor=_mentor(w), score=2, workload="heavy", by=w.coordinator
    )


def _cohort(w: Any) -> Any:
    return make_cohort(w.program_a, make_course(w.program_a), [_mentor(w)])


# wrapper, the row it fetches, the capability a supervisor of program A lacks for it
WRAPPERS: list[tuple[Callable[..., Any], Callable[[Any], Any], str]] = [
    (access.get_mentor_for, _mentor, Cap.MENTORS_MANAGE),
    (access.get_escalation_for, _escalation, Cap.MENTORS_MANAGE),
    (access.get_checkin_for, _checkin, Cap.MENTORS_MANAGE),
    (access.get_course_for, lambda w: make_course(w.program_a), Cap.MENTORS_MANAGE),
    (access.get_cohort_for, _cohort, Cap.MENTORS_MANAGE),
    (access.get_training_session_for, lambda w: _cohort(w).sessions.first(), Cap.MENTORS_MANAGE),
    (
        access.get_screening_item_for,
        lambda w: ScreeningItem.objects.filter(program=w.program_a).first(),
        Cap.MENTORS_MANAGE,
    ),
    (
        access.get_qualification_type_for,
        lambda w: QualificationType.objects.filter(program=w.program_a).first(),
        Cap.MENTORS_MANAGE,
    ),
]
IDS = [wrapper.__name__ for wrapper, _make, _cap in WRAPPERS]


def label(row: Any) -> str:
    return row._meta.label_lower


@pytest.mark.parametrize(("wrapper", "make", "capability"), WRAPPERS, ids=IDS)
def test_it_answers_the_row_to_the_coordinator(mentor_world, wrapper, make, capability) -> None:
    row = make(mentor_world)
    request = request_as(mentor_world.coordinator)
    assert wrapper(request, str(row.pk), capability=capability) == row
    assert wrapper(request, row.pk) == row
    assert denials(label(row)) == []


@pytest.mark.parametrize(("wrapper", "make", "capability"), WRAPPERS, ids=IDS)
def test_it_answers_404_to_the_outsider_audited_once(mentor_world, wrapper, make, capability):
    row = make(mentor_world)
    with pytest.raises(Http404):
        wrapper(request_as(mentor_world.outsider), row.pk)
    assert denials(label(row)) == [(mentor_world.outsider.pk, None, str(row.pk), {})]


@pytest.mark.parametrize(("wrapper", "make", "capability"), WRAPPERS, ids=IDS)
def test_it_answers_403_inside_the_program_without_the_capability(
    mentor_world, wrapper, make, capability
) -> None:
    w = mentor_world
    row = make(w)
    request = request_as(w.supervisor)
    assert wrapper(request, row.pk) == row
    with pytest.raises(PermissionDenied):
        wrapper(request, row.pk, capability=capability)
    assert denials(label(row)) == [
        (w.supervisor.pk, w.program_a.pk, str(row.pk), {"capability": capability})
    ]


@pytest.mark.parametrize(("wrapper", "make", "capability"), WRAPPERS, ids=IDS)
@pytest.mark.parametrize("pk", ["abc", "", "99999999"])
def test_it_answers_404_to_a_bad_key(mentor_world, wrapper, make, capability, pk) -> None:
    row = make(mentor_world)
    with pytest.raises(Http404):
        wrapper(request_as(mentor_world.coordinator), pk)
    assert len(denials(label(row))) == 1


def test_a_mentor_reads_their_own_record_but_does_not_manage_it(mentor_world) -> None:
    w = mentor_world
    mine = _mentor(w)
    mine.user = w.mentor
    mine.save(update_fields=["user"])
    other = make_active(w.program_a, w.coordinator, email="other@example.test")
    request = request_as(w.mentor)
    assert access.get_mentor_for(request, mine.pk) == mine
    with pytest.raises(PermissionDenied):
        access.get_mentor_for(request, mine.pk, capability=Cap.MENTORS_MANAGE)
    with pytest.raises(Http404):
        access.get_mentor_for(request, other.pk)
    assert denials("mentors.mentor") == [
        (w.mentor.pk, w.program_a.pk, str(mine.pk), {"capability": Cap.MENTORS_MANAGE}),
        (w.mentor.pk, None, str(other.pk), {}),
    ]
