"""A section on the family's page (kindred.lib.extensions `panels`): groups to offer the family,
in their language, with the next session and the places left, and a button that registers them
(or puts them on the waitlist). A family waiting for a one-to-one match is offered a group this
way while they wait (issue 12). The waiting list belongs to matching, which groups may not
import (kindred/core/tests/test_floors.py), so matching asks for panels on its own pages and
groups answers from the families app's data only (the caregivers' languages, consent):

- `families.family`: the family's page, for any active family;
- `matching.waiting_family`: the ranked mentors of a family with no active match ("while they
  wait"), the same offer, and the button comes back to that page;
- `matching.waiting`: the waiting list (`obj` is its families): per language the waiting families
  speak, the next session of a published group in that language and how many of them are not
  in it yet.

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


def first_sessions(groups: list[SupportGroup], key: Any) -> dict[Any, Any]:
    """The soonest session not cancelled in the next three months, per `key(group)`."""
    now = timezone.now()
    found: dict[Any, Any] = {}
    for occurrence in occurrences(groups, now, now + LOOK_AHEAD, include_cancelled=False):
        found.setdefault(key(occurrence.group), occurrence)
    return found


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
    following = first_sessions(groups, lambda g: g.pk)
    far = timezone.now() + LOOK_AHEAD * 2

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


def by_language(families: list[Family]) -> list[dict[str, Any]]:
    """For the waiting list: each language the families speak (a family counts under each of
    its languages), with the next session of a published group in it and the number of those
    families not registered in that group. Languages without a group are listed too: that is a
    gap to know about. Three queries whatever the number of families."""
    if not families:
        return []
    program_id = families[0].program_id
    speakers: dict[str, set[int]] = {}
    for family in families:
        for code in family.languages.split():
            speakers.setdefault(code, set()).add(family.pk)
    groups = list(
        SupportGroup.objects.published().filter(program_id=program_id, language__in=list(speakers))
    )
    following = first_sessions(groups, lambda g: g.language)
    registered: dict[int, set[int]] = {}
    for group_id, family_id in (
        Registration.objects.active()
        .filter(family_id__in=[f.pk for f in families], group__in=groups)
        .values_list("group_id", "family_id")
    ):
        registered.setdefault(group_id, set()).add(family_id)
    rows = []
    for code, ids in speakers.items():
        upcoming = following.get(code)
        not_in = len(ids - registered.get(upcoming.group.pk, set())) if upcoming else len(ids)
        rows.append(
            {
                "language": language_name(code),
                "families": len(ids),
                "next": upcoming,
                "not_in": not_in,
            }
        )
    return sorted(rows, key=lambda r: (-r["families"], r["language"]))


def panels(page: str, obj: Any, request: HttpRequest) -> list[dict[str, Any]]:
    if page == "matching.waiting":
        program = getattr(request, "program", None)
        if program is None or not has_capability(request.user, program.pk, Cap.GROUPS_VIEW):
            return []
        return [{"template": "groups/includes/waiting_panel.html", "rows": by_language(obj)}]
    if page not in ("families.family", "matching.waiting_family"):
        return []
    if obj.status != Family.Status.ACTIVE:
        return []
    if not has_capability(request.user, obj.program_id, Cap.GROUPS_MANAGE):
        return []
    return [
        {
            "template": "groups/includes/family_panel.html",
            "family_id": obj.pk,
            "may_join": may_join(obj),
            "offers": offers(obj),
            "waiting": page == "matching.waiting_family",
        }
    ]
