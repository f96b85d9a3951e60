"""Scoped access to referrals: the only way a view reaches one.

Two readers: program staff with REFERRALS_VIEW see a referral in full (`get_referral_for`);
the referrer who sent it sees its status and dates only (`get_sent_referral_for`)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.audit.log import record
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap
from kindred.referrals.models import Referral


def _pk(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def _refuse(user: Any, pk: int, request: Any, **extra: Any) -> None:
    record(
        action="referrals.referral.access_denied",
        request=request,
        actor=user if getattr(user, "is_authenticated", False) else None,
        object_type="referrals.referral",
        object_id=pk,
        **extra,
    )


def get_referral_for(
    user: Any, pk: Any, *, capability: str = Cap.REFERRALS_VIEW, request: Any = None
) -> Referral:
    """The referral `pk` of one of the user's programs; 404 outside them, 403 inside them
    without `capability` (both audited)."""
    pk = _pk(pk)
    referral = (
        Referral.objects.visible_to(user)
        .select_related("program", "family", "referred_by")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        _refuse(user, pk, request)
        raise Http404
    if capability != Cap.REFERRALS_VIEW and not has_capability(
        user, referral.program_id, capability
    ):
        _refuse(user, pk, request, program=referral.program_id, detail={"capability": capability})
        raise PermissionDenied
    return referral


def get_sent_referral_for(user: Any, pk: Any, *, request: Any = None) -> Referral:
    """A referral the user sent (any program): the referrer's status-only view."""
    pk = _pk(pk)
    referral = Referral.objects.sent_by(user).select_related("program").filter(pk=pk).first()
    if referral is None:
        _refuse(user, pk, request)
        raise Http404
    return referral
