"""Called by kindred.families.services.family_merge inside its transaction: a merged family's
matches, blocked pairs and matching wishes follow it to the record that is kept.

Two records of one family cannot both hold an active match or an open match with one mentor
(the constraints of Match): the merged record's duplicate is withdrawn (or, when active, closed
as entered in error) first, with the reason, so nothing is lost and no rule is broken.
"""

from typing import Any

from django.utils.translation import gettext as _

from kindred.matching.models import OPEN, BlockedPair, FamilyWishes, Match


def reassign(*, keep: Any, merged: Any) -> None:
    reason = _("Duplicate family record merged into another.")
    keep_open = set(
        Match.objects.filter(family=keep, status__in=OPEN).values_list("mentor_id", flat=True)
    )
    keep_active = Match.objects.filter(family=keep, status="active").exists()
    for match in Match.objects.filter(family=merged, status__in=OPEN).select_related("mentor"):
        from kindred.matching import services

        if match.status == "active" and keep_active:
            services.close(match=match, by=None, code="entered_in_error", note=reason)
        elif match.mentor_id in keep_open and match.status != "active":
            services.withdraw(match=match, by=None, reason=reason)
    Match.objects.filter(family=merged).update(family=keep)
    taken = set(BlockedPair.objects.filter(family=keep).values_list("mentor_id", "kind"))
    for block in BlockedPair.objects.filter(family=merged):
        if (block.mentor_id, block.kind) in taken:
            block.delete()  # the kept record already blocks this pair for the same reason
        else:
            BlockedPair.objects.filter(pk=block.pk).update(family=keep)
    merged_wishes = FamilyWishes.objects.filter(family=merged).first()
    if merged_wishes is None:
        return
    kept_wishes = FamilyWishes.objects.filter(family=keep).first()
    if kept_wishes is None:
        FamilyWishes.objects.filter(pk=merged_wishes.pk).update(family=keep)
        return
    kept_wishes.in_person = kept_wishes.in_person or merged_wishes.in_person
    kept_wishes.situations = sorted({*kept_wishes.situations, *merged_wishes.situations})
    kept_wishes.treatments = sorted({*kept_wishes.treatments, *merged_wishes.treatments})
    kept_wishes.culture_wanted = kept_wishes.culture_wanted or merged_wishes.culture_wanted
    kept_wishes.save()
    merged_wishes.delete()  # its answers now live on the kept record's wishes
