"""A coordinator asks one family a survey: find the family, then send an e-mail, print a letter
with a code, or enter the answers of a phone call; and the public page where the code is typed.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.audit.throttle import address_over_limit
from kindred.families.access import get_family_for
from kindred.families.models import Family, normalize_text
from kindred.lib.idempotency import submission_digest
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap
from kindred.surveys.access import get_survey_for
from kindred.surveys.channels import (
    ChannelRefused,
    contact_for,
    enter_by_phone,
    normalize_code,
    phone_items,
    send_by_email,
    send_by_letter,
)
from kindred.surveys.forms import ResponseForm
from kindred.surveys.models import OCCASIONS_FOR, Audience, Channel, Occasion, Response, Survey
from kindred.surveys.public import ACTIONS, PER_ADDRESS_PER_HOUR
from kindred.surveys.services import invitation_by_token

FIND_LIMIT = 20


def _occasion_choices() -> list[tuple[str, Any]]:
    labels = dict(Occasion.choices)
    return [(o, labels[o]) for o in OCCASIONS_FOR[Audience.FAMILY]]


def _default_occasion(survey: Survey) -> str:
    family = OCCASIONS_FOR[Audience.FAMILY]
    return next((o for o in survey.occasions if o in family), Occasion.YEARLY.value)


class SendForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[
            (Channel.EMAIL.value, Channel.EMAIL.label),
            (Channel.LETTER.value, Channel.LETTER.label),
        ],
        widget=forms.RadioSelect,
    )
    occasion = forms.ChoiceField(label=gettext_lazy("Counted as"), choices=_occasion_choices)


def _family_survey(request: ProgramRequest, pk: int, family_pk: int) -> tuple[Survey, Family]:
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_MANAGE)
    if survey.audience != Audience.FAMILY:
        raise Http404
    family = get_family_for(request, family_pk)
    if family.program_id != survey.program_id:
        raise Http404  # another program's family: as if it did not exist
    return survey, family


@require_http_methods(["GET"])
@program_required(Cap.SURVEYS_MANAGE)
def send_find(request: ProgramRequest, pk: int) -> HttpResponse:
    """Find the family to ask (by a caregiver's or the family's name)."""
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_MANAGE)
    query = (request.GET.get("q") or "").strip()[:100]
    families: list[Family] = []
    if survey.audience == Audience.FAMILY and len(query) >= 2:
        families = list(
            Family.objects.filter(
                program_id=survey.program_id, search_text__contains=normalize_text(query)
            )
            .open()
            .order_by("sort_name", "id")[:FIND_LIMIT]
        )
        if families:
            record(
                action="surveys.family.listed",
                request=request,
                program=survey.program_id,
                obj=survey,
                detail={"families": [f.pk for f in families]},
            )
    return render(
        request,
        "surveys/send_find.html",
        {"survey": survey, "query": query, "families": families, "searched": len(query) >= 2},
    )


@require_http_methods(["GET", "POST"])
@program_required(Cap.SURVEYS_MANAGE)
def send_page(request: ProgramRequest, pk: int, family_pk: int) -> HttpResponse:
    survey, family = _family_survey(request, pk, family_pk)
    form = SendForm(request.POST or None, initial={"occasion": _default_occasion(survey)})
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            channel, occasion = form.cleaned_data["channel"], form.cleaned_data["occasion"]
            try:
                if channel == Channel.EMAIL:
                    send_by_email(
                        survey=survey,
                        family=family,
                        occasion=occasion,
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, _("The survey was sent by e-mail."))
                    return redirect("surveys:send", pk=survey.pk, family_pk=family.pk)
                _invitation, content = send_by_letter(
                    survey=survey,
                    family=family,
                    occasion=occasion,
                    by=request.user,
                    request=request,
                )
            except ChannelRefused as refused:
                error, status = refused.message, refused.status
            else:
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = 'attachment; filename="survey-letter.pdf"'
                return response
        else:
            status = 400
    contact = contact_for(family)
    record(
        action="surveys.family.viewed", request=request, obj=family, detail={"survey": survey.pk}
    )
    return render(
        request,
        "surveys/send.html",
        {
            "survey": survey,
            "family": family,
            "contact": contact,
            "form": form,
            "error": error,
            "occasion": _default_occasion(survey),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@program_required(Cap.SURVEYS_MANAGE)
def phone_entry(request: ProgramRequest, pk: int, family_pk: int) -> HttpResponse:
    """The answers given on a call, typed by the coordinator who made it."""
    survey, family = _family_survey(request, pk, family_pk)
    occasion = (
        request.POST.get("occasion") or request.GET.get("occasion") or _default_occasion(survey)
    )
    if occasion not in OCCASIONS_FOR[Audience.FAMILY]:
        return render(
            request,
            "surveys/phone.html",
            {"survey": survey, "family": family, "error": _("Choose when this survey counts.")},
            status=400,
        )
    contact = contact_for(family)
    form = ResponseForm(
        request.POST or None, items=phone_items(survey, family, occasion), language=contact.language
    )
    error, status = "", 200
    if request.method == "POST":
        digest = submission_digest(request.POST.get("submission_key"))
        if (
            digest
            and Response.objects.filter(
                submission_key=digest, invitation__family=family, invitation__survey=survey
            ).exists()
        ):
            return redirect("surveys:send", pk=survey.pk, family_pk=family.pk)  # a double post
        if form.is_valid():
            try:
                enter_by_phone(
                    survey=survey,
                    family=family,
                    occasion=occasion,
                    answers=form.answers(),
                    submission_key=form.cleaned_data["submission_key"],
                    by=request.user,
                    request=request,
                )
            except ChannelRefused as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(request, _("The answers from the call were saved."))
                return redirect("surveys:send", pk=survey.pk, family_pk=family.pk)
        else:
            status = 400
            if "submission_key" in form.errors or not form.cleaned_data.get("submission_key"):
                form.renew_submission_key()
    record(
        action="surveys.family.viewed", request=request, obj=family, detail={"survey": survey.pk}
    )
    return render(
        request,
        "surveys/phone.html",
        {
            "survey": survey,
            "family": family,
            "contact": contact,
            "form": form,
            "occasion": occasion,
            "occasions": _occasion_choices(),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    """Public: the parent types the code of the letter, and goes on to the survey."""
    request.no_store = True  # type: ignore[attr-defined]
    typed, why, status = "", "", 200
    if request.method == "POST":
        typed = (request.POST.get("code") or "")[:60]
        code = normalize_code(typed)
        if address_over_limit(request, actions=ACTIONS, limit=PER_ADDRESS_PER_HOUR):
            why, status = "throttled", 429
        elif code is None:
            why, status = "malformed", 400
        else:
            invitation = invitation_by_token(code)
            if invitation is None or invitation.channel != Channel.LETTER:
                record(action="surveys.link.refused", request=request, detail={"why": "code"})
                why, status = "unknown", 404
            else:
                return redirect("surveys:public", token=code)
    return render(request, "surveys/code.html", {"typed": typed, "why": why}, status=status)
