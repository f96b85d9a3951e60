"""Scoped access to mentors and everything hanging from them.

A coordinator or supervisor reaches every mentor of their programs; a mentor reaches only their
own record. Anything else answers 404 and the refusal is audited.
"""

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest

from kindred.audit.log import record
from kindred.mentors.models import Escalation, Mentor
from kindred.programs.access import ProgramRequest, has_capability
from kindred.programs.permissions import Cap


def _denied(request: HttpRequest, object_type: str, pk: Any) -> Http404:
    record(
        action=f"{object_type}.access_denied",
        request=request,
        object_type=object_type,
        object_id=pk,
    )
    return Http404()


def get_mentor_for(request: HttpRequest, pk: int, *, manage: bool = False) -> Mentor:
    """A mentor the user may see (or manage, with manage=True); 404 otherwise, audited."""
    mentor = (
        Mentor.objects.visible_to(request.user)
        .select_related("program", "user")
        .filter(pk=pk)
        .first()
    )
    if mentor is None or (
        manage and not has_capability(request.user, mentor.program_id, Cap.MENTORS_MANAGE)
    ):
        raise _denied(request, "mentors.mentor", pk)
    return mentor


def can_view_all(user: Any, mentor: Mentor) -> bool:
    return has_capability(user, mentor.program_id, Cap.MENTORS_VIEW)


def get_escalation_for(request: HttpRequest, pk: int) -> Escalation:
    escalation = (
        Escalation.objects.visible_to(request.user)
        .select_related("mentor", "program")
        .filter(pk=pk)
        .first()
    )
    if escalation is None:
        raise _denied(request, "mentors.escalation", pk)
    return escalation


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
            .filter(program=program, user__isnull=True, email__iexact=user.email)  # type: ignore[union-attr]
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
