"""Sections on other apps' pages (kindred.lib.extensions `panels`): on a match page, its
contacts in the first 8 weeks against the practice of about 4; on a family page, its contacts
and a "Log a contact" button. Only people who reach encounters see them."""

from datetime import timedelta
from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from kindred.encounters.models import Encounter, EncounterFamily
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap

EARLY_WEEKS = 8
EARLY_PRACTICE = 4  # contacts in a match's first 8 weeks, the practice programs aim for


def _reaches(user: Any, program_id: int) -> bool:
    return has_capability(user, program_id, Cap.ENCOUNTERS_VIEW) or has_capability(
        user, program_id, Cap.ENCOUNTERS_LOG
    )


def match_contacts(match: Any) -> dict[str, Any]:
    """Counted contacts of one match (entered in error left out): in all, and in its first
    8 weeks from the day it became active."""
    links = EncounterFamily.objects.filter(match=match, encounter__entered_in_error=False)
    total = links.count()
    early = 0
    if match.started_at:
        # From the start of the day it became active: a contact that day counts, even when
        # logged with a time a little before the click that started the match.
        start = timezone.localtime(match.started_at).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        end = start + timedelta(weeks=EARLY_WEEKS)
        early = links.filter(
            encounter__occurred_at__gte=start, encounter__occurred_at__lt=end
        ).count()
    return {"total": total, "early": early, "started": bool(match.started_at)}


def panels(page: str, obj: Any, request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if page == "matching.match":
        if not _reaches(user, obj.program_id):
            return []
        counts = match_contacts(obj)
        return [
            {
                "template": "encounters/includes/match_panel.html",
                "match_id": obj.pk,
                "weeks": EARLY_WEEKS,
                "practice": EARLY_PRACTICE,
                "below": counts["started"] and counts["early"] < EARLY_PRACTICE,
                "can_log": has_capability(user, obj.program_id, Cap.ENCOUNTERS_LOG)
                and obj.status in ("introduced", "active"),
                **counts,
            }
        ]
    if page == "families.family":
        if not _reaches(user, obj.program_id):
            return []
        visible = Encounter.objects.visible_to(user).counted().filter(family_links__family=obj)
        summary = visible.aggregate(last=Max("occurred_at"))
        return [
            {
                "template": "encounters/includes/family_panel.html",
                "family_id": obj.pk,
                "total": visible.count(),
                "last": summary["last"],
                "can_log": has_capability(user, obj.program_id, Cap.ENCOUNTERS_LOG)
                and obj.status == "active",
            }
        ]
    return []
