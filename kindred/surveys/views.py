"""The coordinator's pages of surveys: the list, a survey and its items, new and edit."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap
from kindred.surveys.access import get_item_for, get_survey_for
from kindred.surveys.forms import ItemForm, SurveyForm
from kindred.surveys.models import Occasion, Survey
from kindred.surveys.starter import install_starters


def _language() -> str:
    return (get_language() or "en")[:2]


def _rate(survey: Survey) -> int | None:
    asked, answered = getattr(survey, "asked", 0), getattr(survey, "answered", 0)  # annotations
    return round(100 * answered / asked) if asked else None


@program_required(Cap.SURVEYS_VIEW)
def survey_list(request: ProgramRequest) -> HttpResponse:
    surveys = list(
        Survey.objects.filter(program=request.program)
        .annotate(
            asked=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
            declined=Count("invitations", filter=Q(invitations__declined_at__isnull=False)),
        )
        .order_by("title", "id")
    )
    labels = dict(Occasion.choices)
    rows = [
        {
            "survey": s,
            "occasions": [labels.get(o, o) for o in s.occasions],
            "rate": _rate(s),
        }
        for s in surveys
    ]
    return render(
        request,
        "surveys/list.html",
        {
            "rows": rows,
            "program": request.program,
            "can_manage": has_capability(request.user, request.program, Cap.SURVEYS_MANAGE),
        },
    )


@require_POST
@program_required(Cap.SURVEYS_MANAGE)
def install_starter_surveys(request: ProgramRequest) -> HttpResponse:
    with transaction.atomic():
        made = install_starters(request.program)
        record(
            action="surveys.survey.starters_installed",
            request=request,
            program=request.program,
            detail={"surveys": [s.pk for s in made]},
        )
    messages.success(request, _("The starter surveys are ready to edit."))
    return redirect("surveys:list")


def _unique_key(program_id: int, title: str) -> str:
    base = slugify(title)[:32] or "survey"
    taken = set(Survey.objects.filter(program_id=program_id).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


@require_http_methods(["GET", "POST"])
@program_required(Cap.SURVEYS_MANAGE)
def survey_new(request: ProgramRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            survey = form.save(commit=False)
            survey.program = request.program
            survey.key = _unique_key(request.program.pk, survey.title)
            survey.save()
            record(action="surveys.survey.created", request=request, obj=survey)
        messages.success(request, _("Survey saved. Now add its questions."))
        return redirect("surveys:detail", pk=survey.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/form.html", {"form": form, "creating": True}, status=status)


@require_http_methods(["GET", "POST"])
@program_required(Cap.SURVEYS_MANAGE)
def survey_edit(request: ProgramRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_MANAGE)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                action="surveys.survey.changed",
                request=request,
                obj=survey,
                fields=form.changed_data,
            )
        messages.success(request, _("Survey saved."))
        return redirect("surveys:detail", pk=survey.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/form.html", {"form": form, "survey": survey}, status=status)


def _render_detail(
    request: ProgramRequest, survey: Survey, *, item_form: ItemForm | None = None, status: int = 200
) -> HttpResponse:
    can_manage = has_capability(request.user, survey.program_id, Cap.SURVEYS_MANAGE)
    labels = dict(Occasion.choices)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "items": list(survey.items.annotate(n=Count("answers"))),
            "occasions": [labels.get(o, o) for o in survey.occasions],
            "can_manage": can_manage,
            "can_export": has_capability(request.user, survey.program_id, Cap.SURVEYS_EXPORT),
            "item_form": item_form or (ItemForm(survey=survey) if can_manage else None),
        },
        status=status,
    )


@program_required(Cap.SURVEYS_VIEW)
def survey_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_survey_for(request, pk))


@require_POST
@program_required(Cap.SURVEYS_MANAGE)
def item_new(request: ProgramRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_MANAGE)
    form = ItemForm(request.POST, survey=survey)
    if not form.is_valid():
        return _render_detail(request, survey, item_form=form, status=400)
    with transaction.atomic():
        item = form.save()
        record(action="surveys.item.created", request=request, obj=survey, detail={"item": item.pk})
    messages.success(request, _("Question added."))
    return redirect("surveys:detail", pk=survey.pk)


@require_POST
@program_required(Cap.SURVEYS_MANAGE)
def item_retire(request: ProgramRequest, pk: int) -> HttpResponse:
    """A question stops being asked; its answers stay (results and pairs still read them)."""
    item = get_item_for(request, pk)
    with transaction.atomic():
        item.is_active = not item.is_active
        item.save(update_fields=["is_active"])
        record(
            action="surveys.item.changed",
            request=request,
            obj=item.survey,
            fields=["is_active"],
            detail={"item": item.pk},
        )
    messages.success(
        request,
        _("The question is asked again.")
        if item.is_active
        else _("The question is no longer asked."),
    )
    return redirect("surveys:detail", pk=item.survey_id)
