"""Scoped access to support groups (kindred.programs.access): outside the person's programs 404,
inside them without the capability 403, each refusal audited once by the kit.

A group, its schedule and its sessions are known to the program's staff and mentors
(GROUPS_VIEW); who registered and who came is known to the roster readers (GROUPS_ROSTER) and
to the group's own facilitators (GROUPS_FACILITATE). One family's attendance never leaves the
program.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from kindred.groups.models import Facilitator, Registration, SupportGroup
from kindred.groups.schedule import Occurrence, occurrence_at, parse_key
from kindred.programs.access import deny, get_scoped_or_404, has_capability
from kindred.programs.permissions import Cap


def get_group_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.GROUPS_VIEW
) -> SupportGroup:
    return get_scoped_or_404(
        request,
        SupportGroup.objects.select_related("program"),
        pk,
        capability=None if capability == Cap.GROUPS_VIEW else capability,
    )


def leads(user: Any, group: SupportGroup) -> bool:
    """Whether `user` is one of the group's facilitators (as staff, or as a mentor)."""
    if not has_capability(user, group.program_id, Cap.GROUPS_FACILITATE):
        return False
    return Facilitator.objects.filter(group=group, user=user).exists() or (
        Facilitator.objects.filter(group=group, mentor__user=user).exists()
    )


def can_run(user: Any, group: SupportGroup) -> bool:
    """Register families, take attendance: the program's coordinators and the facilitators."""
    return has_capability(user, group.program_id, Cap.GROUPS_MANAGE) or leads(user, group)


def can_see_roster(user: Any, group: SupportGroup) -> bool:
    return has_capability(user, group.program_id, Cap.GROUPS_ROSTER) or leads(user, group)


def get_runnable_group_for(request: HttpRequest, pk: Any) -> SupportGroup:
    """A group the person runs (coordinator, or one of its facilitators); 403 otherwise."""
    group = get_group_for(request, pk)
    if not can_run(request.user, group):
        deny(
            request,
            object_type="groups.supportgroup",
            object_id=group.pk,
            program=group.program_id,
            capability=Cap.GROUPS_FACILITATE,
        )
        raise PermissionDenied
    return group


def get_occurrence(group: SupportGroup, key: str) -> Occurrence:
    """The meeting of `group` named by its URL key; 404 when the rule gives none then."""
    when = parse_key(key)
    occurrence = occurrence_at(group, when) if when is not None else None
    if occurrence is None:
        raise Http404
    return occurrence


def get_registration_for(request: HttpRequest, pk: Any) -> Registration:
    """A registration the person may change: seen through the roster scope, then run."""
    registration = get_scoped_or_404(
        request, Registration.objects.select_related("group", "family").distinct(), pk
    )
    if not can_run(request.user, registration.group):
        deny(
            request,
            object_type="groups.registration",
            object_id=registration.pk,
            program=registration.group.program_id,
            capability=Cap.GROUPS_FACILITATE,
        )
        raise PermissionDenied
    return registration
