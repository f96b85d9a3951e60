"""A family agreed to share its referrals' progress: the senders' subscriptions get the Tasks
they may now read (kindred.fhir.push). A withdrawal sends nothing: the sender's Task goes back
to `received`, which its next read or search shows."""

from typing import Any

from kindred.families.models import Consent
from kindred.fhir import push
from kindred.referrals.models import Referral, Source


def consent_changed(family: Any, scope: str, *, by: Any, request: Any) -> None:
    if scope != Consent.Scope.SHARE_STATUS_WITH_REFERRER:
        return
    for referral in Referral.objects.filter(
        family_id=family.pk, source=Source.EHR, share_status_with_referrer=True
    ):
        push.plan(referral)
