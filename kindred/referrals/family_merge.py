"""Called by kindred.families.services.family_merge inside its transaction: a merged family's
referrals (and its case conference entries) follow it to the record that is kept, so the
queue, the referrer's status page and consent (`may`) all read the surviving record."""

from typing import Any

from kindred.referrals.models import ConferenceItem, Referral


def reassign(*, keep: Any, merged: Any) -> None:
    Referral.objects.filter(family=merged).update(family=keep)
    taken = set(ConferenceItem.objects.filter(family=keep).values_list("program_id", "meeting_on"))
    for item in ConferenceItem.objects.filter(family=merged):
        # The kept family already on that conference's list: the merged entry stays as it was.
        if (item.program_id, item.meeting_on) not in taken:
            ConferenceItem.objects.filter(pk=item.pk).update(family=keep)
