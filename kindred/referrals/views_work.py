"""Working a referral beyond its status: who owns it, what a linked family record should take
from the referral (linked.py), and what the referrer adds after sending it."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.models import User
from kindred.audit.log import record
from kindred.programs.permissions import Cap
from kindred.referrals.access import get_referral_for, get_sent_referral_for, staff_of
from kindred.referrals.forms import AdditionForm, OwnerForm
from kindred.referrals.linked import apply_differences, differences
from kindred.referrals.models import Referral, ReferrerAddition


def _again(request: HttpRequest, referral: Referral, **forms: Any) -> HttpResponse:
    from kindred.referrals.views import _detail_context

    return render(
        request, "referrals/detail.html", _detail_context(request, referral, **forms), status=400
    )


@login_required
@require_POST
def owner(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    form = OwnerForm(request.POST, staff=staff_of(referral.program_id), prefix="owner")
    if not form.is_valid():
        return _again(request, referral, owner_form=form)
    with referral.locked():
        new_owner = form.cleaned_data["owner"]
        before = referral.owner_id
        referral.owner = new_owner
        referral.save(update_fields=["owner"])
        record(
            action="referrals.referral.owner_changed",
            request=request,
            program=referral.program_id,
            obj=referral,
            fields=["owner"],
            detail={"from": before, "to": new_owner.pk if new_owner else None},
        )
    if new_owner is None:
        messages.success(request, _("Nobody owns this referral now."))
    else:
        messages.success(
            request, _("%(name)s owns this referral now.") % {"name": new_owner.full_name}
        )
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
def apply_linked(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply what the coordinator chose of the differences to the linked family record."""
    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    offered = {d.key for d in differences(referral)}
    keys = request.POST.getlist("apply")
    if not keys or not set(keys) <= offered:
        messages.error(request, _("Choose at least one of the differences shown."))
        return _again(request, referral)
    from django.core.exceptions import ValidationError

    from kindred.families.services import ConcurrentEdit

    try:
        apply_differences(referral=referral, keys=keys, by=request.user, request=request)
    except (ValidationError, ConcurrentEdit) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        messages.error(
            request,
            _("The family record was not changed: %(why)s")
            % {"why": text or _("someone changed it meanwhile; try again.")},
        )
        return _again(request, referral)
    messages.success(request, _("The family record now holds what you chose."))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
def add_information(request: HttpRequest, pk: int) -> HttpResponse:
    """The referrer adds something to a referral already sent (while it is open)."""
    referral = get_sent_referral_for(request, pk)
    form = AdditionForm(request.POST, prefix="add")
    if not referral.is_open:
        form.add_error(None, _("This referral is closed: the program no longer works on it."))
    if not form.is_valid():
        from kindred.referrals.views import sent_detail_context

        return render(
            request,
            "referrals/sent_detail.html",
            sent_detail_context(referral, request, add_form=form),
            status=400,
        )
    with transaction.atomic():
        addition = ReferrerAddition.objects.create(
            referral=referral,
            by=cast(User, request.user),
            at=timezone.now(),
            text=form.cleaned_data["text"],
        )
        record(
            action="referrals.referreraddition.created",
            request=request,
            program=referral.program_id,
            obj=addition,
            fields=["text"],
            detail={"referral": referral.pk},
        )
    messages.success(request, _("Thank you: the program sees what you added."))
    return redirect("referrals:sent_detail", pk=referral.pk)
