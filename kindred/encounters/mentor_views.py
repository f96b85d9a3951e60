"""A mentor's own page (their families, encounters, hours this month and year, follow-ups due),
the same page of one mentor for coordinators and supervisors, and the follow-up list."""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Sum, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.audit.log import record
from kindred.encounters.access import get_follow_up_for
from kindred.encounters.models import Encounter, EncounterMentor, FollowUp
from kindred.encounters.services import follow_up_done
from kindred.matching.models import Match
from kindred.mentors.hours import hours_by_mentor
from kindred.mentors.models import Mentor
from kindred.programs.access import (
    ProgramRequest,
    current_program,
    has_any_capability,
    program_required,
)
from kindred.programs.permissions import Cap

RECENT = 20


def encounter_hours(mentor: Mentor, start: date, end: date) -> Decimal:
    minutes = (
        EncounterMentor.objects.filter(
            mentor=mentor,
            encounter__entered_in_error=False,
            encounter__occurred_at__date__gte=start,
            encounter__occurred_at__date__lte=end,
        ).aggregate(m=Sum("encounter__duration_minutes"))["m"]
        or 0
    )
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def hours_summary(mentor: Mentor, today: date) -> list[dict[str, Any]]:
    rows = []
    for label, start in (
        (_("This month"), today.replace(day=1)),
        (_("This year"), today.replace(month=1, day=1)),
    ):
        other = hours_by_mentor(mentor.program, start, today, [mentor.pk]).get(mentor.pk, {})
        training = other.get("training", Decimal("0"))
        supervision = other.get("supervision", Decimal("0"))
        contacts = encounter_hours(mentor, start, today)
        rows.append(
            {
                "label": label,
                "encounters": contacts,
                "training": training,
                "supervision": supervision,
                "total": contacts + training + supervision,
            }
        )
    return rows


def pending_follow_ups(mentor: Mentor | None, user: Any, today: date) -> Any:
    """Follow-ups to do, overdue first (then by date)."""
    if mentor is None:
        return FollowUp.objects.none()
    rows = FollowUp.objects.pending().filter(program_id=mentor.program_id, mentor=mentor)
    return (
        rows.select_related("family", "encounter")
        .annotate(
            overdue=Case(
                When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue", "due_on", "id")
    )


def _page(request: ProgramRequest, mentor: Mentor, *, own: bool) -> HttpResponse:
    today = timezone.localdate()
    families = (
        Match.objects.filter(mentor=mentor, status__in=["introduced", "active"])
        .select_related("family")
        .order_by("family__sort_name", "id")
    )
    encounters = (
        Encounter.objects.filter(mentor_links__mentor=mentor)
        .prefetch_related("families")
        .order_by("-occurred_at", "-id")[:RECENT]
    )
    record(
        action="mentors.mentor.viewed",
        request=request,
        obj=mentor,
        fields=["families", "encounters", "hours", "follow_ups"],
        detail={"page": "encounters.mentor"},
    )
    return render(
        request,
        "encounters/mentor.html",
        {
            "mentor": mentor,
            "own": own,
            "matches": families,
            "encounters": encounters,
            "hours": hours_summary(mentor, today),
            "follow_ups": pending_follow_ups(mentor, request.user, today),
            "today": today,
        },
    )


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    """The signed-in mentor's own page. Anyone else signed in (a coordinator without a mentor
    record, a referrer, an evaluator...) is sent home with a message saying why, rather than
    meeting an empty page or a refusal."""
    mentor = None
    if has_any_capability(request.user, Cap.ENCOUNTERS_LOG):
        program = current_program(request, Cap.ENCOUNTERS_LOG)
        mentor = Mentor.objects.filter(program=program, user=cast(Any, request.user)).first()
    if mentor is None:
        messages.info(
            request,
            _(
                "“My contacts and hours” is a page for mentors, and you have no mentor record "
                "in this program. If you should, ask the program's coordinator."
            ),
        )
        return redirect("core:home")
    program_request = cast(ProgramRequest, request)
    program_request.program = program
    return _page(program_request, mentor, own=True)


@program_required(Cap.ENCOUNTERS_VIEW)
def mentor_page(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = Mentor.objects.filter(program=request.program, pk=pk).select_related("program").first()
    if mentor is None:
        raise Http404
    return _page(request, mentor, own=False)


@program_required(Cap.ENCOUNTERS_LOG)
def follow_ups(request: ProgramRequest) -> HttpResponse:
    today = timezone.localdate()
    mentor = Mentor.objects.filter(program=request.program, user=request.user).first()
    mine = FollowUp.objects.visible_to(request.user).pending().filter(program=request.program)
    if mentor is not None:
        mine = mine.filter(mentor=mentor) | mine.filter(created_by=request.user)
    else:
        mine = mine.filter(created_by=request.user)
    rows = (
        mine.select_related("family", "encounter")
        .annotate(
            overdue=Case(
                When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue", "due_on", "id")
    )
    record(
        action="encounters.followup.listed",
        request=request,
        program=request.program,
        object_type="encounters.followup",
    )
    return render(request, "encounters/follow_ups.html", {"follow_ups": rows, "today": today})


@require_POST
@program_required(Cap.ENCOUNTERS_LOG)
def follow_up_mark_done(request: ProgramRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for(request, pk)
    if follow_up_done(follow_up=follow_up, by=request.user, request=request):
        messages.success(request, _("Done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if not target:
        return redirect("encounters:follow_ups")
    if not target.startswith("/"):
        raise PermissionDenied
    return redirect(target)
