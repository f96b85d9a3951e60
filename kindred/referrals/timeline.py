"""The family's story shows its referrals: arrival, every status or step change, every contact
attempt (families' timeline extension point). Only people who may see referrals get entries."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap
from kindred.referrals.models import ContactAttempt, Referral, Transition


def timeline_entries(family: Any, request: Any) -> list[Any]:
    from kindred.families.timeline import TimelineEntry

    if not has_capability(request.user, family.program_id, Cap.REFERRALS_VIEW):
        return []
    referrals = {r.pk: r for r in Referral.objects.filter(family=family)}
    if not referrals:
        return []
    entries = []
    for referral in referrals.values():
        url = reverse("referrals:detail", args=[referral.pk])
        entries.append(
            TimelineEntry(
                referral.received_at,
                "referral",
                _("Referral received"),
                f"{referral.reference} · {referral.get_source_display()}",
                url=url,
            )
        )
    transitions = Transition.objects.filter(referral_id__in=referrals).select_related("by")
    for transition in transitions:
        if not transition.from_status and not transition.from_step:
            continue  # the arrival, told above
        referral = referrals[transition.referral_id]
        what = transition.get_to_status_display()
        if transition.to_step:
            what += f" · {transition.get_to_step_display()}"
        if transition.reason:
            what += f" · {transition.get_reason_display()}"
        entries.append(
            TimelineEntry(
                transition.at,
                "referral",
                _("Referral %(ref)s") % {"ref": referral.reference},
                what,
                url=reverse("referrals:detail", args=[referral.pk]),
                by=str(transition.by or ""),
            )
        )
    attempts = ContactAttempt.objects.filter(referral_id__in=referrals).select_related("by")
    for attempt in attempts:
        entries.append(
            TimelineEntry(
                attempt.at,
                "contact",
                _("Contact attempt"),
                f"{attempt.get_method_display()} · {attempt.get_outcome_display()}",
                url=reverse("referrals:detail", args=[attempt.referral_id]),
                by=str(attempt.by),
            )
        )
    return entries
