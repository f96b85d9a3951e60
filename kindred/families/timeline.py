"""The family's story in time order, from every app that knows part of it.

Extension point: any Kindred app may add `timeline.py` with

    def timeline_entries(family, request) -> list[TimelineEntry]

(referrals, matches, encounters, groups...). The family page collects them all and sorts by
time. Entries carry no more than the viewer may see: each app filters by its own rules.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kindred.families.models import Family
from kindred.lib import extensions


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a short, stable word: "family", "consent", "referral", "encounter"...
    title: str | Promise
    text: str = ""
    url: str = ""
    by: str = ""


def timeline_entries(family: Family, request: Any) -> list[TimelineEntry]:
    """This app's part: the record's creation, people added, consents, status changes, merges."""
    entries = [
        TimelineEntry(
            family.created_at, "family", _("Family record created"), by=str(family.created_by or "")
        )
    ]
    for caregiver in family.caregivers.all():
        entries.append(
            TimelineEntry(caregiver.created_at, "caregiver", _("Caregiver added"), str(caregiver))
        )
    for child in family.children.all():
        entries.append(TimelineEntry(child.created_at, "child", _("Child added"), str(child)))
    for consent in family.consents.select_related("given_by", "recorded_by"):
        title = _("Consent granted") if consent.granted else _("Consent withdrawn")
        text = f"{consent.get_scope_display()} · {consent.get_method_display()}"
        if consent.given_by:
            text += f" · {consent.given_by}"
        entries.append(
            TimelineEntry(
                consent.effective_at, "consent", title, text, by=str(consent.recorded_by or "")
            )
        )
    for transition in family.transitions.select_related("by"):
        entries.append(
            TimelineEntry(
                transition.at,
                "status",
                _("Status: %(status)s") % {"status": Family.Status(transition.to_status).label},
                transition.reason,
                by=str(transition.by or ""),
            )
        )
    for merge in family.merges_in.select_related("merged", "by"):
        entries.append(
            TimelineEntry(
                merge.at,
                "merge",
                _("Another record of this family merged in"),
                _("Record #%(id)s") % {"id": merge.merged_id},
                url=merge.merged.get_absolute_url(),
                by=str(merge.by or ""),
            )
        )
    return entries


def collect(family: Family, request: Any) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for module in extensions.timeline_modules():
        entries.extend(module.timeline_entries(family, request))
    return sorted(entries, key=lambda e: e.at, reverse=True)
