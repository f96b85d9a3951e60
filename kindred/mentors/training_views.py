"""Training: courses of modules, cohorts with sessions and attendance; program mentor settings
(screening checklist, qualification list); volunteer hours."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.mentors.forms import (
    CohortForm,
    CohortMembersForm,
    CourseForm,
    HoursYearForm,
    ModuleForm,
    QualificationTypeForm,
    ScreeningItemForm,
    TrainingSessionForm,
)
from kindred.mentors.hours import hours_by_mentor, volunteer_hours
from kindred.mentors.models import (
    Attendance,
    Mentor,
    QualificationType,
    ScreeningItem,
    TrainingCohort,
    TrainingCourse,
    TrainingSession,
)
from kindred.mentors.services import program_ensure_mentor_lists
from kindred.mentors.views import title_for
from kindred.programs.access import has_capability, program_ids_with, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def _scoped(request: HttpRequest, queryset: Any, pk: int, capability: str, label: str) -> Any:
    """An object of the user's programs holding `capability`; 404 otherwise, audited."""
    obj = queryset.filter(pk=pk, program_id__in=program_ids_with(request.user, capability)).first()
    if obj is None:
        record(action=f"{label}.access_denied", request=request, object_type=label, object_id=pk)
        raise Http404
    return obj


@program_required(Cap.MENTORS_VIEW)
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    program: Program = request.program  # type: ignore[attr-defined]
    manage = has_capability(request.user, program, Cap.MENTORS_MANAGE)
    form = CourseForm(request.POST or None, prefix="course")
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            with transaction.atomic():
                course = form.save(commit=False)
                course.program = program
                course.save()
                record(
                    action="mentors.trainingcourse.created",
                    request=request,
                    obj=course,
                    fields=form.Meta.fields,
                )
            messages.success(request, _("Course created. Now add its modules."))
            return redirect("mentors:course", pk=course.pk)
    courses = TrainingCourse.objects.filter(program=program).prefetch_related("modules")
    cohorts = (
        TrainingCohort.objects.filter(program=program)
        .select_related("course")
        .annotate(n=Count("mentors"))
    )
    return render(
        request,
        "mentors/training.html",
        {
            "program": program,
            "title": title_for(program),
            "courses": courses,
            "cohorts": cohorts,
            "form": form if manage else None,
            "manage": manage,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@program_required(Cap.MENTORS_VIEW)
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, pk: int) -> HttpResponse:
    course = _scoped(
        request,
        TrainingCourse.objects.prefetch_related("modules"),
        pk,
        Cap.MENTORS_VIEW,
        "mentors.trainingcourse",
    )
    manage = has_capability(request.user, course.program_id, Cap.MENTORS_MANAGE)
    form = ModuleForm(request.POST or None, prefix="module")
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            with transaction.atomic():
                module = form.save(commit=False)
                module.course = course
                module.save()
                record(
                    action="mentors.trainingmodule.created",
                    request=request,
                    program=course.program_id,
                    obj=module,
                    fields=form.Meta.fields,
                )
            messages.success(request, _("Module added."))
            return redirect("mentors:course", pk=course.pk)
    return render(
        request,
        "mentors/course.html",
        {
            "course": course,
            "form": form if manage else None,
            "title": title_for(course.program),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@program_required(Cap.MENTORS_MANAGE)
@require_http_methods(["GET", "POST"])
def cohort_new(request: HttpRequest) -> HttpResponse:
    program: Program = request.program  # type: ignore[attr-defined]
    form = CohortForm(
        request.POST or None, program=program, initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            cohort = form.save(commit=False)
            cohort.program = program
            cohort.save()
            form.save_m2m()
            record(
                action="mentors.trainingcohort.created",
                request=request,
                obj=cohort,
                fields=form.Meta.fields,
            )
        messages.success(request, _("Cohort created."))
        return redirect("mentors:cohort", pk=cohort.pk)
    return render(
        request,
        "mentors/cohort_form.html",
        {"form": form, "title": title_for(program)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.MENTORS_VIEW)
@require_http_methods(["GET", "POST"])
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _scoped(
        request,
        TrainingCohort.objects.select_related("course", "program"),
        pk,
        Cap.MENTORS_VIEW,
        "mentors.trainingcohort",
    )
    manage = has_capability(request.user, cohort.program_id, Cap.MENTORS_MANAGE)
    adding = request.method == "POST" and "add_members" in request.POST
    form = TrainingSessionForm(
        request.POST if request.method == "POST" and not adding else None,
        cohort=cohort,
        prefix="session",
    )
    members_form = CohortMembersForm(
        request.POST if adding else None, cohort=cohort, prefix="members"
    )
    if adding:
        if not manage:
            raise Http404
        if members_form.is_valid():
            with transaction.atomic():
                cohort.mentors.add(*members_form.cleaned_data["mentors"])
                record(
                    action="mentors.trainingcohort.changed",
                    request=request,
                    program=cohort.program_id,
                    obj=cohort,
                    fields=["mentors"],
                )
            messages.success(request, _("Added to the cohort."))
            return redirect("mentors:cohort", pk=cohort.pk)
    elif request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            with transaction.atomic():
                session = form.save(commit=False)
                session.cohort = cohort
                session.save()
                record(
                    action="mentors.trainingsession.created",
                    request=request,
                    program=cohort.program_id,
                    obj=session,
                    fields=form.Meta.fields,
                )
            messages.success(request, _("Session added. Mark attendance after it is held."))
            return redirect("mentors:cohort", pk=cohort.pk)
    members = list(cohort.mentors.order_by("full_name"))
    sessions = list(
        cohort.sessions.select_related("module").prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(present=True),
                to_attr="present_rows",
            )
        )
    )
    record(
        action="mentors.trainingcohort.viewed",
        request=request,
        program=cohort.program_id,
        obj=cohort,
    )
    return render(
        request,
        "mentors/cohort.html",
        {
            "cohort": cohort,
            "members": members,
            "title": title_for(cohort.program),
            "sessions": [
                {"session": s, "present": {a.mentor_id for a in s.present_rows}} for s in sessions
            ],
            "form": form if manage else None,
            "manage": manage,
            "today": timezone.localdate(),
            "members_form": members_form if manage else None,
        },
        status=400 if (form.is_bound and not form.is_valid()) or members_form.is_bound else 200,
    )


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _scoped(
        request,
        TrainingSession.objects.select_related("cohort", "module").annotate(
            program_id=F("cohort__program_id")
        ),
        pk,
        Cap.MENTORS_MANAGE,
        "mentors.trainingsession",
    )
    if session.held_on > timezone.localdate():
        messages.error(request, _("Attendance can be marked once the session has been held."))
        return redirect("mentors:cohort", pk=session.cohort_id)
    present: set[int] = set()
    for value in request.POST.getlist("present"):
        if value.isdigit():
            present.add(int(value))
    count = session.record_attendance(present_ids=present, by=request.user, request=request)
    messages.success(request, _("Attendance saved: %(n)s present.") % {"n": count})
    return redirect("mentors:cohort", pk=session.cohort_id)


@program_required(Cap.MENTORS_MANAGE)
@require_http_methods(["GET", "POST"])
def mentor_settings(request: HttpRequest) -> HttpResponse:
    program: Program = request.program  # type: ignore[attr-defined]
    program_ensure_mentor_lists(program=program)
    item_form = ScreeningItemForm(
        request.POST if "add_item" in request.POST else None,
        prefix="item",
        instance=ScreeningItem(program=program),
    )
    type_form = QualificationTypeForm(
        request.POST if "add_type" in request.POST else None,
        prefix="type",
        instance=QualificationType(program=program),
    )
    for form, label in (
        (item_form, "mentors.screeningitem"),
        (type_form, "mentors.qualificationtype"),
    ):
        if form.is_bound and form.is_valid() and _constraints_hold(form):
            with transaction.atomic():
                obj = form.save()
                record(action=f"{label}.created", request=request, obj=obj, fields=form.Meta.fields)
            messages.success(request, _("Added."))
            return redirect("mentors:settings")
    return render(
        request,
        "mentors/settings.html",
        {
            "program": program,
            "title": title_for(program),
            "items": ScreeningItem.objects.filter(program=program),
            "types": QualificationType.objects.filter(program=program),
            "item_form": item_form,
            "type_form": type_form,
        },
        status=400 if (item_form.is_bound or type_form.is_bound) else 200,
    )


def _constraints_hold(form: Any) -> bool:
    """The form leaves out `program`, so Django skips the per-program unique name: check it."""
    try:
        form.instance.validate_constraints()
    except ValidationError as error:
        form.add_error("name", error.messages)
        return False
    return True


@program_required(Cap.MENTORS_MANAGE)
@require_http_methods(["GET", "POST"])
def settings_item(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model, form_class = {
        "screening": (ScreeningItem, ScreeningItemForm),
        "qualification": (QualificationType, QualificationTypeForm),
    }.get(kind, (None, None))
    if model is None:
        raise Http404
    obj = _scoped(
        request, model.objects.all(), pk, Cap.MENTORS_MANAGE, f"mentors.{model._meta.model_name}"
    )
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid() and _constraints_hold(form):
        with transaction.atomic():
            form.save()
            record(
                action=f"mentors.{model._meta.model_name}.changed",
                request=request,
                obj=obj,
                fields=form.changed_data,
            )
        messages.success(request, _("Saved."))
        return redirect("mentors:settings")
    return render(
        request,
        "mentors/settings_item.html",
        {"form": form, "obj": obj, "title": title_for(obj.program)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.MENTORS_VIEW)
def hours(request: HttpRequest) -> HttpResponse:
    program: Program = request.program  # type: ignore[attr-defined]
    today = timezone.localdate()
    form = HoursYearForm(request.GET if "year" in request.GET else {"year": today.year})
    if not form.is_valid():
        return render(
            request,
            "mentors/hours.html",
            {
                "program": program,
                "title": title_for(program),
                "form": form,
                "years": range(today.year, today.year - 5, -1),
            },
            status=400,
        )
    year = form.cleaned_data["year"]
    start, end = date(year, 1, 1), date(year, 12, 31)
    per_mentor = hours_by_mentor(program, start, end)
    names = dict(Mentor.objects.filter(pk__in=per_mentor).values_list("pk", "full_name"))
    rows = sorted(
        ({"pk": pk, "name": names.get(pk, ""), **values} for pk, values in per_mentor.items()),
        key=lambda r: r["name"],
    )
    record(
        action="mentors.hours.viewed",
        request=request,
        program=program,
        object_type="mentors.mentor",
    )
    return render(
        request,
        "mentors/hours.html",
        {
            "program": program,
            "title": title_for(program),
            "form": form,
            "year": year,
            "rows": rows,
            "totals": volunteer_hours(program, start, end),
            "years": range(today.year, today.year - 5, -1),
        },
    )
