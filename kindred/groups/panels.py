"""A section on the family's page (kindred.lib.extensions `panels`): groups to offer the family,
in their language, with the next session and the places left, and a button that registers them
(or puts them on the waitlist). A family waiting for a one-to-one match is offered a group this
way while they wait (issue 12). The waiting list belongs to matching, which groups may not
import (kindred/core/tests/test_floors.py), so the offer lives on the family's page and uses
only the families app's data (the caregivers' languages, consent).

Only people who run groups for the program (groups.manage) see it, and only for an active
family; a family without permission for groups and contact gets a note instead of buttons."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kindred.families.models import Family
from kindred.groups.models import Registration, SupportGroup
from kindred.groups.schedule import occurrences
from kindred.groups.services import may_join
from kindred.lib.languages import language_name
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap

OFFER_LIMIT = 8
LOOK_AHEAD = timedelta(days=92)


def offers(family: Family) -> list[dict[str, Any]]:
    """Published groups of the family's program in one of the family's languages (any language
    when none is recorded) that the family is not in, soonest next session first."""
    taken = Registration.objects.active().filter(family=family).values("group_id")
    groups = list(
        SupportGroup.objects.published().filter(program_id=family.program_id).exclude(pk__in=taken)
    )
    spoken = set(family.languages.split())
    if spoken:
        groups = [g for g in groups if g.language in spoken]
    now = timezone.now()
    following: dict[int, Any] = {}
    for occurrence in occurrences(groups, now, now + LOOK_AHEAD, include_cancelled=False):
        following.setdefault(occurrence.group.pk, occurrence)
    far = now + LOOK_AHEAD * 2

    def soonest(group: SupportGroup) -> tuple[Any, str]:
        upcoming = following.get(group.pk)
        return (upcoming.starts_at if upcoming else far, group.name)

    return [
        {
            "group": g,
            "next": following.get(g.pk),
            "language": language_name(g.language),
            "places_left": max(g.capacity - g.registered_count, 0) if g.limits_places else None,
            "full": g.is_full,
        }
        for g in sorted(groups, key=soonest)[:OFFER_LIMIT]
    ]


def panels(page: str, obj: Any, request: HttpRequest) -> list[dict[str, Any]]:
    if page != "families.family" or obj.status != Family.Status.ACTIVE:
        return []
    if not has_capability(request.user, obj.program_id, Cap.GROUPS_MANAGE):
        return []
    return [
        {
            "template": "groups/includes/family_panel.html",
            "family_id": obj.pk,
            "may_join": may_join(obj),
            "offers": offers(obj),
        }
    ]
