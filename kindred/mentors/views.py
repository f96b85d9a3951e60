"""The mentor roster, profile and its actions, the mentor's own home, the public application."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import changed_fields, record
from kindred.audit.states import TransitionError
from kindred.lib.languages import language_name
from kindred.mentors.access import can_view_all, get_mentor_for, own_mentor
from kindred.mentors.eligibility import not_matchable_reasons
from kindred.mentors.forms import (
    MANY_FIELDS,
    CheckInForm,
    MentorEditForm,
    QualificationForm,
    ScreeningRecordForm,
    StatusForm,
)
from kindred.mentors.hours import hours_by_mentor
from kindred.mentors.models import (
    CARE_SETTINGS,
    Mentor,
    ModuleCompletion,
    Qualification,
    QualificationType,
    ScreeningItem,
    TrainingCourse,
)
from kindred.mentors.models.mentor import DAY_PARTS, WEEKDAYS
from kindred.mentors.roster import mentor_list  # noqa: F401 - the roster (urls.py)
from kindred.mentors.services import (
    mentor_change_status,
    mentor_invite,
    qualification_record,
    screening_record,
)
from kindred.mentors.vocab import FAMILY_SITUATIONS, TREATMENTS
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap

EXPIRING_DAYS = 30
# The status form's field a refused move is shown next to (kindred.audit.states codes and
# Mentor.check_transition's); the others (screening, training gates) go above the form.
TRANSITION_ERROR_FIELDS = {
    "not_allowed": "to",
    "reason_required": "reason",
    "return_date_required": "paused_until",
    "return_date_past": "paused_until",
}


def title_for(program: Program) -> str:
    return program.mentor_title_for(get_language() or "en")


def qualification_states(mentors: list[Mentor], on: Any) -> dict[int, list[dict[str, Any]]]:
    """{mentor id: [{type, latest, state}]} for the program's active qualification types."""
    if not mentors:
        return {}
    types = list(QualificationType.objects.filter(program_id=mentors[0].program_id, is_active=True))
    latest: dict[tuple[int, int], Qualification] = {}
    for q in Qualification.objects.filter(mentor__in=mentors, type__in=types).order_by(
        "obtained_on", "id"
    ):
        latest[(q.mentor_id, q.type_id)] = q
    result: dict[int, list[dict[str, Any]]] = {}
    for mentor in mentors:
        rows = []
        for t in types:
            found = latest.get((mentor.pk, t.pk))
            if found is None:
                state = "missing"
            elif not found.is_valid_on(on):
                state = "expired"
            elif found.expires_on and found.expires_on <= on + timedelta(days=EXPIRING_DAYS):
                state = "expiring"
            else:
                state = "valid"
            rows.append({"type": t, "latest": found, "state": state})
        result[mentor.pk] = rows
    return result


def _language_labels(codes: list[str]) -> list[str]:
    return [language_name(c) for c in codes]


@program_required(Cap.PROGRAM_VIEW)
def mentor_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_mentor_for(request, pk))


def _render_detail(
    request: HttpRequest, mentor: Mentor, status: int = 200, **forms: Any
) -> HttpResponse:
    program = mentor.program
    language = get_language() or "en"
    today = timezone.localdate()
    manage = has_capability(request.user, program, Cap.MENTORS_MANAGE)
    staff = can_view_all(request.user, mentor)
    record(action="mentors.mentor.viewed", request=request, obj=mentor)
    screening_latest: dict[int, Any] = {}
    for entry in mentor.screening_records.select_related("recorded_by").order_by(
        "recorded_at", "id"
    ):
        screening_latest[entry.item_id] = entry
    screening = [
        {"item": item, "entry": screening_latest.get(item.pk)}
        for item in ScreeningItem.objects.filter(program=program, is_active=True)
    ]
    completions = {c.module_id: c for c in ModuleCompletion.objects.filter(mentor=mentor)}
    courses = []
    for course in TrainingCourse.objects.filter(program=program, is_active=True).prefetch_related(
        "modules"
    ):
        modules = [{"module": m, "done": completions.get(m.pk)} for m in course.modules.all()]
        if not modules:
            continue
        courses.append(
            {
                "course": course,
                "modules": modules,
                "complete": all(row["done"] for row in modules),
                "hours": sum((row["done"].hours for row in modules if row["done"]), 0),
            }
        )
    hours = hours_by_mentor(program, mentor_ids=[mentor.pk]).get(
        mentor.pk, {"training": 0, "supervision": 0, "total": 0}
    )
    context = {
        "program": program,
        "title": title_for(program),
        "mentor": mentor,
        "staff": staff,
        "manage": manage,
        "languages": _language_labels(mentor.languages),
        "care_settings": [str(dict(CARE_SETTINGS).get(c, c)) for c in mentor.care_settings],
        "treatments": [str(dict(TREATMENTS).get(c, c)) for c in mentor.treatment_codes],
        "situations": [str(dict(FAMILY_SITUATIONS).get(c, c)) for c in mentor.family_situations],
        "excluded_situations": [
            str(dict(FAMILY_SITUATIONS).get(c, c)) for c in mentor.excluded_situations
        ],
        "days": [str(dict(WEEKDAYS).get(d, d)) for d in mentor.availability_days],
        "times": [str(dict(DAY_PARTS).get(t, t)) for t in mentor.availability_times],
        "conditions": [c.label_for(language) for c in mentor.child_conditions.all()],
        "experiences": [e.label_for(language) for e in mentor.child_experiences.all()],
        "reasons": not_matchable_reasons(mentor, today),
        "history": _history(mentor) if staff else [],
        "screening": screening,
        "qualifications": qualification_states([mentor], today).get(mentor.pk, []),
        "courses": courses,
        "hours": hours,
        "supervision": mentor.supervision_sessions.select_related("supervisor")[:10]
        if staff
        else [],
        "checkins": mentor.checkins.all()[:5] if staff else [],
        "escalations": mentor.escalations.all()[:10]
        if has_capability(request.user, program, Cap.SUPERVISION)
        else [],
        "status_form": StatusForm(mentor=mentor) if manage else None,
        "screening_form": ScreeningRecordForm(program=program, prefix="screening")
        if manage
        else None,
        "qualification_form": QualificationForm(program=program, prefix="qualification")
        if manage
        else None,
        **forms,
    }
    return render(request, "mentors/detail.html", context, status=status)


def _history(mentor: Mentor) -> list[dict[str, Any]]:
    """The latest status changes, newest first, with the statuses' labels."""
    return [
        {
            "at": change.at,
            "from": mentor.status_label(change.from_status) if change.from_status else "",
            "to": mentor.status_label(change.to_status),
            "by": change.by,
            "reason": change.reason,
        }
        for change in mentor.transitions.select_related("by").order_by("-at", "-id")[:20]
    ]


def _snapshot(mentor: Mentor) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in MentorEditForm.Meta.fields:
        value = getattr(mentor, name)
        values[name] = sorted(value.values_list("pk", flat=True)) if name in MANY_FIELDS else value
    return values


@program_required(Cap.MENTORS_MANAGE)
@require_http_methods(["GET", "POST"])
def mentor_edit(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk, capability=Cap.MENTORS_MANAGE)
    before = _snapshot(mentor)
    form = MentorEditForm(request.POST or None, instance=mentor, program=mentor.program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            after = _snapshot(mentor)
            record(
                action="mentors.mentor.changed",
                request=request,
                obj=mentor,
                fields=changed_fields(before, after),
            )
        messages.success(request, _("Saved."))
        return redirect("mentors:detail", pk=mentor.pk)
    record(action="mentors.mentor.viewed", request=request, obj=mentor)
    return render(
        request,
        "mentors/edit.html",
        {"form": form, "mentor": mentor, "title": title_for(mentor.program)},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def mentor_status(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk, capability=Cap.MENTORS_MANAGE)
    form = StatusForm(request.POST, mentor=mentor)
    if not form.is_valid():
        return _invalid(request, mentor, form, "status_form")
    try:
        mentor_change_status(
            mentor=mentor,
            to=form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            paused_until=form.cleaned_data["paused_until"],
            request=request,
        )
    except TransitionError as error:
        form.add_error(TRANSITION_ERROR_FIELDS.get(error.code or ""), error)
        return _invalid(request, mentor, form, "status_form")
    messages.success(
        request, _("Status changed to “%(status)s”.") % {"status": mentor.get_status_display()}
    )
    return redirect("mentors:detail", pk=mentor.pk)


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def mentor_screening(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk, capability=Cap.MENTORS_MANAGE)
    form = ScreeningRecordForm(request.POST, program=mentor.program, prefix="screening")
    if not form.is_valid():
        return _invalid(request, mentor, form, "screening_form")
    data = form.cleaned_data
    screening_record(
        mentor=mentor,
        item=data["item"],
        result=data["result"],
        done_on=data["done_on"],
        notes=data["notes"],
        by=request.user,
        request=request,
    )
    messages.success(request, _("Screening recorded: %(item)s.") % {"item": data["item"]})
    return redirect("mentors:detail", pk=mentor.pk)


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def mentor_qualification(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk, capability=Cap.MENTORS_MANAGE)
    form = QualificationForm(request.POST, program=mentor.program, prefix="qualification")
    if not form.is_valid():
        return _invalid(request, mentor, form, "qualification_form")
    data = form.cleaned_data
    qualification_record(
        mentor=mentor,
        type=data["type"],
        obtained_on=data["obtained_on"],
        expires_on=data["expires_on"],
        notes=data["notes"],
        by=request.user,
        request=request,
    )
    messages.success(request, _("Qualification recorded: %(name)s.") % {"name": data["type"]})
    return redirect("mentors:detail", pk=mentor.pk)


def _invalid(request: HttpRequest, mentor: Mentor, form: Any, name: str) -> HttpResponse:
    """Show the profile again with the form's errors and the person's input kept."""
    return _render_detail(request, mentor, status=400, **{name: form})


@program_required(Cap.MENTORS_MANAGE)
@require_POST
def mentor_invite_view(request: ProgramRequest, pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk, capability=Cap.MENTORS_MANAGE)
    if mentor.status != Mentor.Status.ACTIVE or mentor.user_id:
        refusal = _("Only an active %(title)s without an account can be invited.") % {
            "title": title_for(mentor.program)
        }
        return _render_detail(request, mentor, status=400, invite_error=refusal)
    mentor_invite(mentor=mentor, by=request.user, request=request)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": mentor.email})
    return redirect("mentors:detail", pk=mentor.pk)


@program_required(Cap.PROGRAM_VIEW)
def certificate(request: ProgramRequest, pk: int, course_pk: int) -> HttpResponse:
    mentor = get_mentor_for(request, pk)
    course = get_object_or_404(
        TrainingCourse.objects.prefetch_related("modules"), pk=course_pk, program=mentor.program
    )
    modules = list(course.modules.all())
    done = list(
        ModuleCompletion.objects.filter(mentor=mentor, module__in=modules).order_by("completed_on")
    )
    if not modules or len(done) < len(modules):
        raise Http404
    record(action="mentors.certificate.viewed", request=request, obj=mentor)
    return render(
        request,
        "mentors/certificate.html",
        {
            "mentor": mentor,
            "course": course,
            "program": mentor.program,
            "title": title_for(mentor.program),
            "completed_on": done[-1].completed_on,
            "hours": sum(c.hours for c in done),
        },
    )


@program_required(Cap.MENTOR_SELF)
def home(request: ProgramRequest) -> HttpResponse:
    return _render_home(request, own_mentor(request))


def _render_home(
    request: ProgramRequest,
    mentor: Mentor | None,
    checkin_form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    program: Program = request.program
    context: dict[str, Any] = {"program": program, "title": title_for(program), "mentor": mentor}
    if mentor is not None:
        record(action="mentors.mentor.viewed", request=request, obj=mentor, detail={"page": "home"})
        today = timezone.localdate()
        states = qualification_states([mentor], today).get(mentor.pk, [])
        completions = set(
            ModuleCompletion.objects.filter(mentor=mentor).values_list("module_id", flat=True)
        )
        trainings = []
        for cohort in mentor.training_cohorts.select_related("course").prefetch_related(
            "course__modules", "sessions__module"
        ):
            modules = list(cohort.course.modules.all())
            trainings.append(
                {
                    "cohort": cohort,
                    "done": sum(1 for m in modules if m.pk in completions),
                    "total": len(modules),
                    "upcoming": [s for s in cohort.sessions.all() if s.held_on >= today],
                }
            )
        context.update(
            {
                "reasons": not_matchable_reasons(mentor, today),
                "attention": [
                    s for s in states if s["state"] in {"expired", "expiring", "missing"}
                ],
                "trainings": trainings,
                "hours": hours_by_mentor(program, mentor_ids=[mentor.pk]).get(mentor.pk),
                "checkin_form": checkin_form or CheckInForm(),
                "last_checkin": mentor.checkins.first(),
            }
        )
    return render(request, "mentors/home.html", context, status=status)


@program_required(Cap.MENTOR_SELF)
@require_POST
def checkin(request: ProgramRequest) -> HttpResponse:
    mentor = own_mentor(request)
    if mentor is None:
        raise Http404
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _render_home(request, mentor, checkin_form=form, status=400)
    with transaction.atomic():
        entry = form.save(commit=False)
        entry.mentor, entry.by = mentor, request.user
        entry.save()
        record(
            action="mentors.wellbeingcheckin.created",
            request=request,
            program=mentor.program_id,
            obj=entry,
            fields=form.Meta.fields,
        )
    messages.success(request, _("Thank you for checking in."))
    return redirect("mentors:home")
