"""Called by kindred.families.services.family_merge inside its transaction: the merged family's
encounters and follow-ups follow it to the record that is kept. An encounter that involved both
records keeps one link (to the kept family), so each encounter shows once in its story."""

from typing import Any

from kindred.encounters.models import EncounterFamily, FollowUp


def reassign(*, keep: Any, merged: Any) -> None:
    both = EncounterFamily.objects.filter(family=keep).values("encounter_id")
    EncounterFamily.objects.filter(family=merged, encounter_id__in=both).delete()
    EncounterFamily.objects.filter(family=merged).update(family=keep)
    FollowUp.objects.filter(family=merged).update(family=keep)
