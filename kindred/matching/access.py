"""Scoped access to matches (kindred.programs.access.get_scoped_or_404).

Coordinators and supervisors reach every match of their programs (MATCHING_VIEW), a mentor
only their own matches once offered (MATCH_SELF). Referrers and evaluators reach nothing.
"""

from typing import Any

from django.http import HttpRequest

from kindred.matching.models import Match
from kindred.programs.access import get_scoped_or_404, has_capability
from kindred.programs.permissions import Cap


def get_match_for(request: HttpRequest, pk: Any, *, capability: str | None = None) -> Match:
    """A match the person may see; with capability=MATCHING_MANAGE, one they may change."""
    return get_scoped_or_404(
        request,
        Match.objects.select_related("program", "family", "mentor", "mentor__user"),
        pk,
        capability=capability,
    )


def is_staff(user: Any, match: Match) -> bool:
    return has_capability(user, match.program_id, Cap.MATCHING_VIEW)


def can_manage(user: Any, match: Match) -> bool:
    return has_capability(user, match.program_id, Cap.MATCHING_MANAGE)


def is_own(user: Any, match: Match) -> bool:
    return bool(match.mentor.user_id and match.mentor.user_id == getattr(user, "pk", None))
