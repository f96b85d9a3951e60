"""The family's story shows each step of its matches (families' timeline extension point).
Only people who may see matching get entries."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.matching.models import Match, MatchTransition
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap


def timeline_entries(family: Any, request: Any) -> list[Any]:
    from kindred.families.timeline import TimelineEntry

    if not has_capability(request.user, family.program_id, Cap.MATCHING_VIEW):
        return []
    matches = {m.pk: m for m in Match.objects.filter(family=family).select_related("mentor")}
    if not matches:
        return []
    entries = []
    for row in MatchTransition.objects.filter(match_id__in=matches).select_related("by"):
        match = matches[row.match_id]
        text = f"{match.mentor.full_name} · {row.to_label}"
        if row.reason:
            text += f" · {row.reason}"
        entries.append(
            TimelineEntry(
                row.at,
                "match",
                _("Match with a mentor"),
                text,
                url=reverse("matching:match", args=[match.pk]),
                by=str(row.by or ""),
            )
        )
    return entries
