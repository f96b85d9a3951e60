"""Called by kindred.families.services.family_merge inside its transaction: the merged
family's survey invitations and answers follow it to the record that is kept, so its baseline
pairs with its follow-up. Where both records were asked the same survey on the same occasion,
the merged record's invitation stays with it (one invitation per occasion and family is a
constraint), and it no longer reaches anyone: its link stops working."""

from typing import Any

from django.utils import timezone

from kindred.surveys.models import Invitation


def reassign(*, keep: Any, merged: Any) -> None:
    kept = set(
        Invitation.objects.filter(family=keep).values_list("survey_id", "occasion", "occasion_key")
    )
    clashing = [
        pk
        for pk, *key in Invitation.objects.filter(family=merged).values_list(
            "pk", "survey_id", "occasion", "occasion_key"
        )
        if tuple(key) in kept
    ]
    Invitation.objects.filter(
        pk__in=clashing, answered_at__isnull=True, declined_at__isnull=True
    ).update(expires_at=timezone.now())
    Invitation.objects.filter(family=merged).exclude(pk__in=clashing).update(family=keep)
