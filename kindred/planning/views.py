"""The program plan: the page with its live objectives, editing, versions and the PDF."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.audit.log import record
from kindred.planning import pdf
from kindred.planning.access import get_objective_for, get_version_for
from kindred.planning.diff import word_diff
from kindred.planning.forms import ObjectiveForm, PeriodForm, PlanForm
from kindred.planning.live import Period, format_value, is_rate, objective_statuses, this_year
from kindred.planning.models import PLAN_FIELDS, Objective, PlanVersion
from kindred.planning.sections import QUESTIONS, field_label, plan_sections, question_titles
from kindred.planning.services import (
    objective_delete,
    objective_save,
    plan_for,
    plan_objectives,
    plan_save,
    plan_to_read,
)
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap


def _period(request: ProgramRequest) -> tuple[PeriodForm, Period, bool]:
    """The chosen period (GET start/end), this year by default; False when the input is bad."""
    default = this_year()
    if "start" not in request.GET and "end" not in request.GET:
        form = PeriodForm(initial={"start": default.start, "end": default.last_day})
        return form, default, True
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, form.period(), True
    return form, default, False


def _rows(statuses: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for status in statuses:
        unit = status.measure.unit if status.measure else ""
        rate = status.measure is not None and is_rate(status.measure)
        months: list[tuple[Any, ...]] = []
        so_far = 0.0
        for month, value, meets in status.months:
            so_far += value.value or 0
            months.append(
                (month, format_value(value.value, unit), meets, value, format_value(so_far, unit))
            )
        rows.append(
            {
                "status": status,
                "objective": status.objective,
                "value": format_value(status.value.value if status.value else None, unit),
                "target": format_value(float(status.objective.target), unit),
                "months": months,
                "rate": rate,
            }
        )
    return rows


@program_required(Cap.PLANNING_VIEW)
@require_GET
def plan_page(request: ProgramRequest) -> HttpResponse:
    program = request.program
    plan = plan_to_read(program)
    form, period, valid = _period(request)
    objectives = plan_objectives(plan)
    statuses = objective_statuses(program, objectives, period)
    last = plan.versions.select_related("saved_by").first() if plan.pk else None
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "program": program,
            "sections": plan_sections(plan, program),
            "rows": _rows(statuses),
            "period": period,
            "period_form": form,
            "last_version": last,
            "can_edit": has_capability(request.user, program, Cap.PLANNING_EDIT),
        },
        status=200 if valid else 400,
    )


@program_required(Cap.PLANNING_EDIT)
@require_http_methods(["GET", "POST"])
def plan_edit(request: ProgramRequest) -> HttpResponse:
    plan = plan_for(request.program) if request.method == "POST" else plan_to_read(request.program)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
        version = plan_save(plan=plan, data=data, by=request.user, request=request)
        if version is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, _("Plan saved as version %(n)s.") % {"n": version.number})
        return redirect("planning:plan")
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "sections": _form_sections(form)},
        status=400 if form.is_bound else 200,
    )


def _form_sections(form: PlanForm) -> list[dict[str, Any]]:
    titles = question_titles()
    return [
        {"title": titles[key][0], "subtitle": titles[key][1], "fields": [form[n] for n in names]}
        for key, names in QUESTIONS
    ]


@program_required(Cap.PLANNING_VIEW)
@require_GET
def plan_pdf(request: ProgramRequest) -> HttpResponse:
    program = request.program
    plan = plan_to_read(program)
    language = request.GET.get("lang") or translation.get_language() or "en"
    language = language if language in {"en", "es"} else "en"
    period = this_year()
    record(
        action="planning.programplan.exported",
        request=request,
        object_type="planning.programplan",
        object_id=plan.pk or "",
        program=program.pk,
        detail={"language": language, "version": plan.version},
    )
    content = pdf.plan_pdf(program=program, plan=plan, period=period, language=language)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="program-plan.pdf"'
    return response


@program_required(Cap.PLANNING_VIEW)
@require_GET
def versions(request: ProgramRequest) -> HttpResponse:
    plan = plan_to_read(request.program)
    found = (
        list(plan.versions.select_related("saved_by").order_by("-number")[:200]) if plan.pk else []
    )
    labels = {name: field_label(name) for name in PLAN_FIELDS} | {"objectives": _("Objectives")}
    rows = [{"version": v, "changed": [labels.get(n, n) for n in v.changed]} for v in found]
    return render(request, "planning/versions.html", {"rows": rows, "plan": plan})


@program_required(Cap.PLANNING_VIEW)
@require_GET
def version_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    version = get_version_for(request, pk)
    previous = (
        PlanVersion.objects.filter(plan=version.plan, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    before = previous.content if previous else {}
    labels = {name: field_label(name) for name in PLAN_FIELDS} | {"objectives": _("Objectives")}
    changes = [
        {
            "label": labels.get(name, name),
            "segments": word_diff(before.get(name, ""), version.content.get(name, "")),
        }
        for name in version.changed
    ]
    return render(
        request,
        "planning/version.html",
        {"version": version, "previous": previous, "changes": changes},
    )


@program_required(Cap.PLANNING_EDIT)
@require_http_methods(["GET", "POST"])
def objective_new(request: ProgramRequest) -> HttpResponse:
    # The plan row is made by the POST that adds the first objective, never by showing the form.
    plan = plan_for(request.program) if request.method == "POST" else plan_to_read(request.program)
    return _objective_form(request, Objective(plan=plan))


@program_required(Cap.PLANNING_VIEW)
@require_http_methods(["GET", "POST"])
def objective_edit(request: ProgramRequest, pk: int) -> HttpResponse:
    return _objective_form(request, get_objective_for(request, pk))


def _objective_form(request: ProgramRequest, objective: Objective) -> HttpResponse:
    creating = objective.pk is None
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        objective_save(
            objective=form.save(commit=False),
            by=request.user,
            request=request,
            fields=list(form.changed_data),
        )
        messages.success(request, _("Objective saved."))
        return redirect("planning:plan")
    return render(
        request,
        "planning/objective_form.html",
        {"form": form, "objective": objective, "creating": creating},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.PLANNING_VIEW)
@require_POST
def objective_remove(request: ProgramRequest, pk: int) -> HttpResponse:
    objective = get_objective_for(request, pk)
    objective_delete(objective=objective, by=request.user, request=request)
    messages.success(request, _("Objective removed; earlier versions of the plan keep it."))
    return redirect("planning:plan")
