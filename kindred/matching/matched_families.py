"""A mentor sees exactly the families of their active matches (families' `matched_families`
extension point: kindred.families.models.matched_family_ids)."""

from typing import Any

from kindred.matching.models import Match


def matched_family_ids(user: Any, program_ids: list[int]) -> Any:
    return Match.objects.filter(
        status=Match.Status.ACTIVE, mentor__user=user, program_id__in=program_ids
    ).values("family_id")
