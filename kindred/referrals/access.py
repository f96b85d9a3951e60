"""Scoped access to referrals, through the access kit (kindred.programs.access): the only way a
view reaches one.

Two readers: program staff with REFERRALS_VIEW see a referral in full (`get_referral_for`);
the referrer who sent it sees its status and dates only (`get_sent_referral_for`). Outside the
person's reach: 404; within it without the capability asked: 403; each refusal audited once.
"""

from typing import Any

from django.http import HttpRequest

from kindred.programs.access import get_scoped_or_404
from kindred.programs.models import Role
from kindred.programs.permissions import Cap
from kindred.referrals.models import ConferenceItem, Referral


def get_referral_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.REFERRALS_VIEW
) -> Referral:
    """The referral `pk` of one of the person's programs, with `capability` in its program."""
    return get_scoped_or_404(
        request,
        Referral.objects.select_related("program", "family", "referred_by"),
        pk,
        capability=None if capability == Cap.REFERRALS_VIEW else capability,
    )


def get_sent_referral_for(
    request: HttpRequest, pk: Any, *, capability: str | None = None
) -> Referral:
    """A referral the person sent (any program): the referrer's status-only view. Having sent
    it is the whole right (a partner's referrer holds no role in the program), so no
    capability is asked unless the caller names one."""
    return get_scoped_or_404(
        request, Referral.sent.select_related("program"), pk, capability=capability
    )


def get_conference_item_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.CASE_CONFERENCE
) -> ConferenceItem:
    """A family on one of the person's programs' case conference lists."""
    return get_scoped_or_404(
        request,
        ConferenceItem.objects.select_related("program", "family", "referral"),
        pk,
        capability=None if capability == Cap.CASE_CONFERENCE else capability,
    )


# Who may own a referral: the program's staff who work referrals.
OWNER_ROLES = [Role.COORDINATOR, Role.SUPERVISOR]


def staff_of(program_id: int) -> Any:
    from kindred.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__program_id=program_id,
            memberships__role__in=OWNER_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )
