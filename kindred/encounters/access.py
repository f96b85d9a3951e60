"""Scoped access to encounters and follow-ups (kindred.programs.access.get_scoped_or_404).

Coordinators and supervisors reach every encounter of their programs (ENCOUNTERS_VIEW); a
mentor their own (those they took part in or wrote, ENCOUNTERS_LOG). Notes are read by the
person who wrote them and by holders of ENCOUNTERS_NOTES (coordinators, supervisors), never by
referrers or evaluators, who reach no encounter at all.
"""

from typing import Any

from django.http import HttpRequest

from kindred.encounters.models import Encounter, FollowUp
from kindred.programs.access import get_scoped_or_404, has_capability
from kindred.programs.permissions import Cap


def get_encounter_for(request: HttpRequest, pk: Any, *, capability: str | None = None) -> Encounter:
    return get_scoped_or_404(
        request,
        Encounter.objects.select_related("program", "created_by", "escalation"),
        pk,
        capability=capability,
    )


def get_follow_up_for(request: HttpRequest, pk: Any) -> FollowUp:
    return get_scoped_or_404(
        request, FollowUp.objects.select_related("encounter"), pk, capability=Cap.ENCOUNTERS_LOG
    )


def can_read_notes(user: Any, encounter: Encounter) -> bool:
    if encounter.created_by_id == getattr(user, "pk", None):
        return True
    return has_capability(user, encounter.program_id, Cap.ENCOUNTERS_NOTES)


def is_staff(user: Any, program_id: int) -> bool:
    return has_capability(user, program_id, Cap.ENCOUNTERS_VIEW)


def can_change(user: Any, encounter: Encounter) -> bool:
    """Edit or mark in error: the writer, a mentor who took part, or a coordinator (who holds
    both ENCOUNTERS_VIEW and ENCOUNTERS_LOG); supervisors read only."""
    if not has_capability(user, encounter.program_id, Cap.ENCOUNTERS_LOG):
        return False
    if is_staff(user, encounter.program_id) or encounter.created_by_id == user.pk:
        return True
    return encounter.mentor_links.filter(mentor__user=user).exists()
