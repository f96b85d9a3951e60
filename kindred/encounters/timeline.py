"""The family's story shows each encounter once (families' timeline extension point), to the
people who reach that encounter; no notes, ever."""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.encounters.models import Encounter, EncounterSupport


def timeline_entries(family: Any, request: Any) -> list[Any]:
    from kindred.families.timeline import TimelineEntry

    rows = (
        Encounter.objects.visible_to(request.user)
        .filter(family_links__family=family)
        .distinct()
        .select_related("created_by")
        .prefetch_related(
            "mentors",
            Prefetch("supports", queryset=EncounterSupport.objects.order_by("support_type")),
        )
    )
    entries = []
    for encounter in rows:
        parts = [encounter.get_setting_display(), encounter.get_mode_display()]
        supports = ", ".join(str(s.get_support_type_display()) for s in encounter.supports.all())
        if supports:
            parts.append(supports)
        mentors = ", ".join(m.full_name for m in encounter.mentors.all())
        if mentors:
            parts.append(mentors)
        if encounter.entered_in_error:
            parts.append(_("entered in error"))
        entries.append(
            TimelineEntry(
                encounter.occurred_at,
                "encounter",
                gettext_lazy("Support group session note")
                if encounter.group_session_id
                else gettext_lazy("Contact with a mentor"),
                " · ".join(str(p) for p in parts),
                url=encounter.get_absolute_url(),
                by=str(encounter.created_by),
            )
        )
    return entries
