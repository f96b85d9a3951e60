"""The readiness self-assessment: the list of assessments, answering one, its summary of what
to do next, and two assessments side by side."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.planning.access import get_assessment_for
from kindred.planning.forms import ReadinessForm, field_name
from kindred.planning.models import ReadinessAssessment
from kindred.planning.readiness import SECTIONS, Answer, summarize
from kindred.planning.services import assessment_answer, assessment_start
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap


def _answers(assessment: ReadinessAssessment) -> dict[str, str]:
    return {a.item: a.answer for a in assessment.answers.all()}


@program_required(Cap.PLANNING_EDIT)
@require_GET
def readiness_list(request: ProgramRequest) -> HttpResponse:
    assessments = list(
        ReadinessAssessment.objects.in_program(request.program)
        .select_related("started_by")
        .prefetch_related("answers")
        .order_by("-started_at", "-id")
    )
    rows = [
        {"assessment": a, "summary": summarize({x.item: x.answer for x in a.answers.all()})}
        for a in assessments
    ]
    draft = next((a for a in assessments if a.status == "draft"), None)
    return render(
        request,
        "planning/readiness_list.html",
        {
            "rows": rows,
            "draft": draft,
            "completed": [a for a in assessments if a.completed_at],
        },
    )


@program_required(Cap.PLANNING_EDIT)
@require_POST
def readiness_start(request: ProgramRequest) -> HttpResponse:
    assessment = assessment_start(program=request.program, by=request.user, request=request)
    return redirect("planning:assessment", pk=assessment.pk)


@program_required(Cap.PLANNING_EDIT)
@require_http_methods(["GET", "POST"])
def assessment_page(request: ProgramRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request, pk)
    answers = {a.item: a for a in assessment.answers.all()}
    form = None
    if assessment.status == ReadinessAssessment.Status.DRAFT:
        initial: dict[str, Any] = {}
        for key, row in answers.items():
            initial[field_name(key)] = row.answer
            initial[f"{field_name(key)}-note"] = row.note
        form = ReadinessForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            assessment_answer(
                assessment=assessment, answers=form.answers(), by=request.user, request=request
            )
            if "complete" in request.POST:
                try:
                    assessment.transition(to="completed", by=request.user, request=request)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Assessment completed. It is kept as it is."))
                    return redirect("planning:assessment", pk=assessment.pk)
            else:
                messages.success(request, _("Answers saved."))
                return redirect("planning:assessment", pk=assessment.pk)
    elif request.method == "POST":
        messages.error(request, _("A completed assessment is kept as it was: start a retake."))
        return redirect("planning:assessment", pk=assessment.pk)
    summary = summarize({k: a.answer for k, a in answers.items()})
    return render(
        request,
        "planning/assessment.html",
        {
            "assessment": assessment,
            "form": form,
            "summary": summary,
            "sections": _completed_sections(answers) if form is None else None,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _completed_sections(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "section": section,
            "items": [{"item": item, "row": answers.get(item.key)} for item in section.items],
        }
        for section in SECTIONS
    ]


@program_required(Cap.PLANNING_EDIT)
@require_GET
def readiness_compare(request: ProgramRequest) -> HttpResponse:
    """Two assessments side by side (`a` earlier, `b` later); the last two by default."""
    completed = list(
        ReadinessAssessment.objects.in_program(request.program).order_by("-started_at", "-id")
    )
    chosen: list[ReadinessAssessment] = []
    for name in ("a", "b"):
        if request.GET.get(name):
            chosen.append(get_assessment_for(request, request.GET[name]))
    if not chosen:
        chosen = list(reversed(completed[:2]))
    if len(chosen) != 2 or chosen[0].pk == chosen[1].pk:
        return render(
            request,
            "planning/readiness_compare.html",
            {"error": _("Choose two different assessments to compare."), "choices": completed},
            status=400 if request.GET else 200,
        )
    earlier, later = sorted(chosen, key=lambda a: (a.started_at, a.pk))
    before, after = _answers(earlier), _answers(later)
    labels = dict(Answer.choices)
    sections = [
        {
            "section": section,
            "items": [
                {
                    "item": item,
                    "before": labels.get(before.get(item.key, ""), "–"),
                    "after": labels.get(after.get(item.key, ""), "–"),
                    "moved": before.get(item.key) != after.get(item.key),
                    "after_code": after.get(item.key, ""),
                }
                for item in section.items
            ],
        }
        for section in SECTIONS
    ]
    return render(
        request,
        "planning/readiness_compare.html",
        {
            "earlier": earlier,
            "later": later,
            "sections": sections,
            "choices": completed,
            "before_summary": summarize(before),
            "after_summary": summarize(after),
        },
    )
