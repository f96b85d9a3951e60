"""Training: courses of modules, cohorts with sessions and attendance; program mentor settings
(screening checklist, qualification list); volunteer hours."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.mentors.access import (
    get_cohort_for,
    get_course_for,
    get_qualification_type_for,
    get_screening_item_for,
    get_training_session_for,
)
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
)
from kindred.mentors.services import program_ensure_mentor_lists
from kindred.mentors.views import title_for
from kindred.programs.access import (
    ProgramRequest,
    deny,
    has_capability,
    program_required,
)
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def _to_change(request: HttpRequest) -> str:
    """Reading a course or cohort takes MENTORS_VIEW; adding to it, MENTORS_MANAGE."""
    return Cap.MENTORS_MANAGE if request.method == "POST" else Cap.MENTORS_VIEW


@program_required(Cap.MENTORS_VIEW)
@require_http_methods(["GET", "POST"])
def training(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    manage = has_capability(request.user, program, Cap.MENTORS_MANAGE)
    form = CourseForm(request.POST or None, prefix="course")
    if request.method == "POST":
        if not manage:
            deny(
                request,
                object_type="mentors.trainingcourse",
                object_id=None,
                program=program.pk,
                capability=Cap.MENTORS_MANAGE,
            )
            raise PermissionDenied
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
def course(request: ProgramRequest, pk: int) -> HttpResponse:
    course = get_course_for(request, pk, capability=_to_change(request))
    manage = has_capability(request.user, course.program_id, Cap.MENTORS_MANAGE)
    form = ModuleForm(request.POST or None, prefix="module")
    if request.method == "POST" and form.is_valid():
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
def cohort_new(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
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
def cohort(request: ProgramRequest, pk: int) -> HttpResponse:
    cohort = get_cohort_for(request, pk, capability=_to_change(request))
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
    elif request.method == "POST" and form.is_valid():
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
    return _render_cohort(
        request,
        cohort,
        manage=manage,
        form=form,
        members_form=members_form,
        status=400 if (form.is_bound and not form.is_valid()) or members_form.is_bound else 200,
    )


def _render_cohort(
    request: HttpRequest,
    cohort: TrainingCohort,
    *,
    manage: bool,
    form: Any = None,
    members_form: Any = None,
    status: int = 200,
    attendance: tuple[int, set[int], str] | None = None,
) -> HttpResponse:
    """The cohort page; `attendance` (session id, ticked mentor ids, error) shows a refused
    attendance list again as it was ticked."""
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
    rows = []
    for s in sessions:
        present = {a.mentor_id for a in s.present_rows}
        refused = attendance is not None and attendance[0] == s.pk
        rows.append(
            {
                "session": s,
                "present": present,
                "ticked": attendance[1] if refused else present,  # type: ignore[index]
                "error": attendance[2] if refused else "",  # type: ignore[index]
            }
        )
    return render(
        request,
        "mentors/cohort.html",
        {
            "cohort": cohort,
            "members": members,
            "title": title_for(cohort.program),
            "sessions": rows,
            "form": (form or TrainingSessionForm(cohort=cohort, prefix="session"))
            if manage
            else None,
            "manage": manage,
            "today": timezone.localdate(),
            "members_form": (members_form or CohortMembersForm(cohort=cohort, prefix="members"))
            if manage
            else None,
        },
        status=status,
    )


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def attendance(request: ProgramRequest, pk: int) -> HttpResponse:
    session = get_training_session_for(request, pk, capability=Cap.MENTORS_MANAGE)
    present: set[int] = set()
    for value in request.POST.getlist("present"):
        if value.isdigit():
            present.add(int(value))
    if session.held_on > timezone.localdate():
        refusal = _("Attendance can be marked once the session has been held.")
        return _render_cohort(
            request,
            session.cohort,
            manage=True,
            status=400,
            attendance=(session.pk, present, refusal),
        )
    count = session.record_attendance(present_ids=present, by=request.user, request=request)
    messages.success(request, _("Attendance saved: %(n)s present.") % {"n": count})
    return redirect("mentors:cohort", pk=session.cohort_id)


@program_required(Cap.MENTORS_MANAGE)
@require_http_methods(["GET", "POST"])
def mentor_settings(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
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
def settings_item(request: ProgramRequest, kind: str, pk: int) -> HttpResponse:
    obj: ScreeningItem | QualificationType
    if kind == "screening":
        obj = get_screening_item_for(request, pk, capability=Cap.MENTORS_MANAGE)
        form: ScreeningItemForm | QualificationTypeForm = ScreeningItemForm(
            request.POST or None, instance=obj
        )
    elif kind == "qualification":
        obj = get_qualification_type_for(request, pk, capability=Cap.MENTORS_MANAGE)
        form = QualificationTypeForm(request.POST or None, instance=obj)
    else:
        raise Http404
    model = type(obj)
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
def hours(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
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
        key=lambda r: str(r["name"]),
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
