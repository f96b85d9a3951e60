"""The waiting list, a family's ranked mentors, a mentor's offers and the matching settings."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.directory.models import Kind, Service
from kindred.families.access import get_family_for
from kindred.families.models import Family
from kindred.lib.extensions import page_panels
from kindred.matching import services
from kindred.matching.forms import (
    BlockForm,
    LooserForm,
    OfferForm,
    SettingsForm,
    WaitingFilterForm,
    WishesForm,
)
from kindred.matching.models import BlockedPair, FamilyWishes, Match, MatchSettings
from kindred.matching.ranking import rank_family, reasons_snapshot
from kindred.matching.waiting import waiting_families
from kindred.mentors.models import Mentor
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap


@program_required(Cap.MATCHING_VIEW)
def waiting(request: ProgramRequest) -> HttpResponse:
    form = WaitingFilterForm(request.GET or None)
    language = zip_prefix = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            language = form.cleaned_data["language"]
            zip_prefix = form.cleaned_data["zip"]
        else:
            status = 400
    rows = waiting_families(request.program, language=language, zip_prefix=zip_prefix)
    settings = MatchSettings.for_program(request.program)
    record(action="matching.waiting.viewed", request=request, program=request.program)
    return render(
        request,
        "matching/waiting.html",
        {
            "rows": rows,
            "form": form,
            "settings": settings,
            "overdue": sum(1 for r in rows if r.overdue),
            "can_manage": has_capability(request.user, request.program, Cap.MATCHING_MANAGE),
            # Other apps' sections for the list (groups: the next group in each language).
            "panels": page_panels("matching.waiting", [r.family for r in rows], request),
        },
        status=status,
    )


def _family(request: ProgramRequest, pk: Any, capability: str) -> Family:
    family = get_family_for(request, pk, capability=capability)
    if family.program_id != request.program.pk:
        request.program = family.program  # the family's program is the one that counts
    return family


def _family_page(
    request: ProgramRequest,
    family: Family,
    *,
    status: int = 200,
    wishes_form: WishesForm | None = None,
    looser_form: LooserForm | None = None,
    block_form: BlockForm | None = None,
    error: str = "",
) -> HttpResponse:
    show_excluded = request.GET.get("excluded") == "1"
    result = rank_family(family)
    record(
        action="matching.ranking.viewed",
        request=request,
        obj=family,
        detail={"eligible": len(result.eligible), "excluded_shown": show_excluded},
    )
    wishes = FamilyWishes.objects.filter(family=family).first() or FamilyWishes(family=family)
    can_manage = has_capability(request.user, family.program_id, Cap.MATCHING_MANAGE)
    open_matches = list(
        Match.objects.filter(family=family).select_related("mentor").order_by("-created_at")[:20]
    )
    offered_to = {m.mentor_id for m in open_matches if m.is_open}
    waiting = not Match.objects.filter(family=family, status="active").exists()
    mentors = Mentor.objects.filter(
        program_id=family.program_id, status__in=[Mentor.Status.ACTIVE, Mentor.Status.PAUSED]
    )
    fallbacks: list[Service] = []
    if not result.eligible:
        fallbacks = list(
            Service.objects.visible_to(request.user)
            .filter(kind=Kind.ONE_TO_ONE, status="active")
            .select_related("organization")[:5]
        )
    return render(
        request,
        "matching/family.html",
        {
            "family": family,
            "result": result,
            "show_excluded": show_excluded,
            "can_manage": can_manage,
            "matches": open_matches,
            "offered_to": offered_to,
            "wishes": wishes,
            "wishes_form": wishes_form or WishesForm(instance=wishes, prefix="w"),
            "looser_form": looser_form or LooserForm(prefix="l"),
            "block_form": block_form or BlockForm(mentors=mentors, prefix="b"),
            "blocks": BlockedPair.objects.filter(family=family).select_related("mentor"),
            "fallbacks": fallbacks,
            "error": error,
            "target": MatchSettings.for_program(family.program_id).target_hours,
            # While the family waits, other apps may offer something (groups: a group).
            "panels": page_panels("matching.waiting_family", family, request) if waiting else [],
        },
        status=status,
    )


@program_required(Cap.MATCHING_VIEW)
def family(request: ProgramRequest, pk: int) -> HttpResponse:
    return _family_page(request, _family(request, pk, Cap.MATCHING_VIEW))


@require_POST
@program_required(Cap.MATCHING_VIEW)
def offer(request: ProgramRequest, pk: int) -> HttpResponse:
    """Approve the mentor the coordinator picked from the ranked list and offer it to them."""
    family = _family(request, pk, Cap.MATCHING_MANAGE)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _family_page(request, family, status=400, error=_("Choose a mentor from the list."))
    result = rank_family(family, limit=None)
    chosen = next((r for r in result.eligible if r.mentor.pk == form.cleaned_data["mentor"]), None)
    if chosen is None:
        return _family_page(
            request,
            family,
            status=400,
            error=_("This mentor cannot be matched with this family now: the list was refreshed."),
        )
    wishes = FamilyWishes.objects.filter(family=family).first()
    mentor = Mentor.objects.get(pk=chosen.mentor.pk)  # whole: the ranked rows carry a few fields
    try:
        with transaction.atomic():
            match = services.propose(
                family=family,
                mentor=mentor,
                by=request.user,
                score=chosen.ranked.score,
                reasons=reasons_snapshot(chosen.ranked),
                looser_note=wishes.relaxed_note if wishes and wishes.relaxed else "",
                request=request,
            )
            services.approve_and_offer(match=match, by=request.user, request=request)
    except ValidationError as error:
        return _family_page(request, family, status=400, error=" ".join(error.messages))
    messages.success(request, _("Offered to %(name)s.") % {"name": chosen.mentor.full_name})
    return redirect("matching:match", match.pk)


@require_POST
@program_required(Cap.MATCHING_VIEW)
def wishes(request: ProgramRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, Cap.MATCHING_MANAGE)
    instance = FamilyWishes.objects.filter(family=family).first() or FamilyWishes(family=family)
    form = WishesForm(request.POST, instance=instance, prefix="w")
    if not form.is_valid():
        return _family_page(request, family, status=400, wishes_form=form)
    with transaction.atomic():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.updated_at = timezone.now()
        saved.save()
        record(
            action="matching.familywishes.changed",
            request=request,
            obj=family,
            fields=form.changed_data,
        )
    messages.success(request, _("The family's wishes are saved."))
    return redirect("matching:family", family.pk)


@require_POST
@program_required(Cap.MATCHING_VIEW)
def looser(request: ProgramRequest, pk: int) -> HttpResponse:
    """The fallback when nobody is eligible: a looser match the family agrees to, recorded."""
    family = _family(request, pk, Cap.MATCHING_MANAGE)
    form = LooserForm(request.POST, prefix="l")
    if not form.is_valid():
        return _family_page(request, family, status=400, looser_form=form)
    with transaction.atomic():
        instance, _created = FamilyWishes.objects.get_or_create(family=family)
        instance.relaxed = form.cleaned_data["relaxed"]
        instance.relaxed_note = form.cleaned_data["note"]
        instance.relaxed_at = timezone.now()
        instance.updated_by = request.user
        instance.save()
        record(
            action="matching.familywishes.loosened",
            request=request,
            obj=family,
            fields=["relaxed", "relaxed_note"],
            detail={"relaxed": instance.relaxed},
        )
    messages.success(request, _("The looser match the family agreed to is recorded."))
    return redirect("matching:family", family.pk)


@require_POST
@program_required(Cap.MATCHING_VIEW)
def block(request: ProgramRequest, pk: int) -> HttpResponse:
    family = _family(request, pk, Cap.MATCHING_MANAGE)
    mentors = Mentor.objects.filter(program_id=family.program_id)
    form = BlockForm(request.POST, mentors=mentors, prefix="b")
    if not form.is_valid():
        return _family_page(request, family, status=400, block_form=form)
    mentor = mentors.get(pk=form.cleaned_data["mentor"])
    services.add_block(
        family=family,
        mentor=mentor,
        by=request.user,
        note=form.cleaned_data["note"],
        request=request,
    )
    messages.success(request, _("Recorded: they will not be proposed to each other."))
    return redirect("matching:family", family.pk)


@program_required(Cap.MATCH_SELF)
def offers(request: ProgramRequest) -> HttpResponse:
    """A mentor's offers waiting for an answer and their matches."""
    mine = (
        Match.objects.visible_to(request.user)
        .filter(mentor__user=request.user)
        .select_related("family", "program")
        .order_by("-status_changed_at")
    )
    waiting_answer = [m for m in mine if m.status == "offered"]
    current = [
        m for m in mine if m.status in {"info_requested", "accepted", "introduced", "active"}
    ]
    past = [m for m in mine if not m.is_open][:20]
    return render(
        request,
        "matching/offers.html",
        {"waiting_answer": waiting_answer, "current": current, "past": past},
    )


@require_http_methods(["GET", "POST"])
@program_required(Cap.MATCHING_MANAGE)
def settings_page(request: ProgramRequest) -> HttpResponse:
    instance = MatchSettings.for_program(request.program)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "matching/settings.html", {"form": form}, status=400)
        with transaction.atomic():
            saved = form.save()
            record(
                action="matching.matchsettings.changed",
                request=request,
                obj=saved,
                program=request.program,
                fields=form.changed_data or ["weights"],
            )
        messages.success(request, _("The matching settings are saved."))
        return redirect("matching:settings")
    return render(request, "matching/settings.html", {"form": form})
