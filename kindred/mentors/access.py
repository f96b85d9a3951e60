"""Scoped access to mentors and everything hanging from them, through the access kit
(kindred.programs.access.get_scoped_or_404).

A coordinator or supervisor reaches every mentor of their programs; a mentor reaches only their
own record. Outside the person's reach: 404; within it without the capability asked: 403. Either
refusal is audited once, by the kit.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from kindred.audit.log import record
from kindred.mentors.models import (
    Escalation,
    Mentor,
    QualificationType,
    ScreeningItem,
    TrainingCohort,
    TrainingCourse,
    TrainingSession,
    WellbeingCheckIn,
)
from kindred.programs.access import ProgramRequest, get_scoped_or_404, has_capability
from kindred.programs.permissions import Cap


def _beyond(capability: str, view_capability: str) -> str | None:
    """The capability to check once the row is seen: none when seeing it is the whole check."""
    return None if capability == view_capability else capability


def get_mentor_for(request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW) -> Mentor:
    """A mentor the person may see (MENTORS_VIEW, or their own record) and, with
    capability=MENTORS_MANAGE, manage."""
    return get_scoped_or_404(
        request,
        Mentor.objects.select_related("program", "user"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def can_view_all(user: Any, mentor: Mentor) -> bool:
    return has_capability(user, mentor.program_id, Cap.MENTORS_VIEW)


def get_escalation_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.SUPERVISION
) -> Escalation:
    return get_scoped_or_404(
        request,
        Escalation.objects.select_related("mentor", "program"),
        pk,
        capability=_beyond(capability, Cap.SUPERVISION),
    )


def get_checkin_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.SUPERVISION
) -> WellbeingCheckIn:
    return get_scoped_or_404(
        request,
        WellbeingCheckIn.objects.select_related("mentor"),
        pk,
        capability=_beyond(capability, Cap.SUPERVISION),
    )


def get_course_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW
) -> TrainingCourse:
    return get_scoped_or_404(
        request,
        TrainingCourse.objects.select_related("program").prefetch_related("modules"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def get_cohort_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW
) -> TrainingCohort:
    return get_scoped_or_404(
        request,
        TrainingCohort.objects.select_related("course", "program"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def get_training_session_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW
) -> TrainingSession:
    return get_scoped_or_404(
        request,
        TrainingSession.objects.select_related("cohort", "module"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def get_screening_item_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW
) -> ScreeningItem:
    return get_scoped_or_404(
        request,
        ScreeningItem.objects.select_related("program"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def get_qualification_type_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.MENTORS_VIEW
) -> QualificationType:
    return get_scoped_or_404(
        request,
        QualificationType.objects.select_related("program"),
        pk,
        capability=_beyond(capability, Cap.MENTORS_VIEW),
    )


def own_mentor(request: ProgramRequest) -> Mentor | None:
    """The signed-in mentor's record in the current program. An account invited from a mentor
    record (programs.services.member_invite) is linked to it by e-mail on first visit."""
    program = request.program
    user = request.user
    mentor = Mentor.objects.filter(program=program, user=user).first()
    if mentor is not None:
        return mentor
    with transaction.atomic():
        candidate = (
            Mentor.objects.select_for_update()
            .filter(program=program, user__isnull=True, email__iexact=user.email)
            .exclude(status__in=[Mentor.Status.DECLINED])
            .order_by("-created_at")
            .first()
        )
        if candidate is None:
            return None
        candidate.user = user
        candidate.save(update_fields=["user"])
        record(action="mentors.mentor.linked", request=request, obj=candidate, fields=["user"])
    return candidate
