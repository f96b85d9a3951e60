"""Supervision: sessions, mentors' well-being check-ins and the escalation queue."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.mentors.access import get_checkin_for, get_escalation_for
from kindred.mentors.forms import EscalationForm, ResolveForm, SupervisionSessionForm
from kindred.mentors.models import Escalation, SupervisionSession, WellbeingCheckIn
from kindred.mentors.views import title_for
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def _severity_sorted(escalations: list[Escalation]) -> list[Escalation]:
    return sorted(
        escalations, key=lambda e: (Escalation.SEVERITY_ORDER.get(e.severity, 9), e.created_at)
    )


@program_required(Cap.SUPERVISION)
def supervision(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    queue = _severity_sorted(
        list(
            Escalation.objects.filter(program=program).open().select_related("mentor", "raised_by")
        )
    )
    checkins = [
        c
        for c in WellbeingCheckIn.objects.filter(
            mentor__program=program, seen_at__isnull=True
        ).select_related("mentor")[:100]
        if c.needs_attention
    ]
    sessions = (
        SupervisionSession.objects.filter(program=program)
        .select_related("supervisor")
        .prefetch_related("mentors")[:30]
    )
    resolved = Escalation.objects.filter(
        program=program, status=Escalation.Status.RESOLVED
    ).select_related("mentor")[:10]
    record(
        action="mentors.escalation.listed",
        request=request,
        program=program,
        object_type="mentors.escalation",
        detail={"count": len(queue)},
    )
    return render(
        request,
        "mentors/supervision.html",
        {
            "program": program,
            "title": title_for(program),
            "queue": queue,
            "checkins": checkins,
            "sessions": sessions,
            "resolved": resolved,
        },
    )


@program_required(Cap.SUPERVISION)
@require_http_methods(["GET", "POST"])
def session_new(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = SupervisionSessionForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            session = form.save(commit=False)
            session.program, session.supervisor, session.recorded_by = (
                program,
                request.user,
                request.user,
            )
            session.save()
            form.save_m2m()
            record(
                action="mentors.supervisionsession.created",
                request=request,
                obj=session,
                fields=form.Meta.fields,
            )
        messages.success(request, _("Supervision session recorded."))
        return redirect("mentors:supervision")
    return render(
        request,
        "mentors/session_form.html",
        {"form": form, "title": title_for(program)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.SUPERVISION)
@require_http_methods(["GET", "POST"])
def escalation_new(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = EscalationForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        escalation = form.save(commit=False)
        escalation.program, escalation.raised_by = program, request.user
        try:
            escalation.full_clean()
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            with transaction.atomic():
                escalation.save()
                record(
                    action="mentors.escalation.created",
                    request=request,
                    obj=escalation,
                    fields=form.Meta.fields,
                )
            messages.success(request, _("Concern added to the queue."))
            return redirect("mentors:escalation", pk=escalation.pk)
    return render(
        request,
        "mentors/escalation_form.html",
        {"form": form, "title": title_for(program)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.SUPERVISION)
def escalation(request: ProgramRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for(request, pk)
    record(action="mentors.escalation.viewed", request=request, obj=escalation)
    return _render_escalation(request, escalation, ResolveForm())


def _render_escalation(
    request: HttpRequest,
    escalation: Escalation,
    form: Any,
    status: int = 200,
    refused: TransitionError | None = None,
) -> HttpResponse:
    return render(
        request,
        "mentors/escalation.html",
        {
            "escalation": escalation,
            "form": form,
            "refused": refused.messages if refused else [],
            "title": title_for(escalation.program),
            "changes": [
                {
                    "at": change.at,
                    "from": escalation.status_label(change.from_status),
                    "to": escalation.status_label(change.to_status),
                    "by": change.by,
                }
                for change in escalation.transitions.select_related("by")
            ],
        },
        status=status,
    )


@program_required(Cap.SUPERVISION)
@require_POST
def escalation_acknowledge(request: ProgramRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for(request, pk)
    try:
        escalation.acknowledge(by=request.user, request=request)
    except TransitionError as error:
        # Already acknowledged or resolved (maybe by someone else a moment ago): the page again,
        # as the database has it now, with the reason.
        return _render_escalation(request, escalation, ResolveForm(), status=400, refused=error)
    messages.success(request, _("Acknowledged."))
    return redirect("mentors:escalation", pk=escalation.pk)


@program_required(Cap.SUPERVISION)
@require_POST
def escalation_resolve(request: ProgramRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _render_escalation(request, escalation, form, status=400)
    try:
        escalation.resolve(by=request.user, notes=form.cleaned_data["notes"], request=request)
    except TransitionError as error:
        if error.code != "response_required":
            return _render_escalation(request, escalation, form, status=400, refused=error)
        form.add_error("notes", error)
        return _render_escalation(request, escalation, form, status=400)
    messages.success(request, _("Resolved."))
    return redirect("mentors:supervision")


@program_required(Cap.SUPERVISION)
@require_POST
def checkin_seen(request: ProgramRequest, pk: int) -> HttpResponse:
    entry = get_checkin_for(request, pk)
    with transaction.atomic():
        # The conditional update is its own guard: of two supervisors, one marks it and is audited.
        marked = WellbeingCheckIn.objects.filter(pk=entry.pk, seen_at__isnull=True).update(
            seen_at=timezone.now(), seen_by=request.user
        )
        if marked:
            record(
                action="mentors.wellbeingcheckin.seen",
                request=request,
                program=entry.mentor.program_id,
                obj=entry,
                fields=["seen_at", "seen_by"],
            )
    messages.success(request, _("Marked as followed up."))
    return redirect("mentors:supervision")
