"""The weekly case conference list: which families to discuss, the team's suggestions; it
prints (the base layout hides navigation in print)."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kindred.audit.log import record
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap
from kindred.referrals.access import get_conference_item_for, get_referral_for
from kindred.referrals.forms import AgendaForm, next_meeting
from kindred.referrals.models import ConferenceItem, ConferenceSuggestion

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = ConferenceSuggestion
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": gettext_lazy("Write a suggestion first.")}}


class DateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Conference date"), required=False, widget=DATE_INPUT)


@program_required(Cap.CASE_CONFERENCE)
@require_GET
def agenda(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = DateForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or next_meeting()
    items = _agenda_items(program.pk, on)
    return _render_agenda(request, program, on, items)


def _render_agenda(
    request: HttpRequest,
    program: Program,
    on: date,
    items: list[ConferenceItem],
    refused: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The agenda of one meeting; `refused`, a bound SuggestionForm, is shown on its item."""
    record(
        action="referrals.conferenceitem.listed",
        request=request,
        program=program,
        object_type="referrals.conferenceitem",
        detail={"count": len(items), "on": on.isoformat()},
    )
    forms = [
        refused
        if refused is not None and refused.prefix == f"s{item.pk}"
        else SuggestionForm(prefix=f"s{item.pk}")
        for item in items
    ]
    return render(
        request,
        "referrals/conference.html",
        {
            "program": program,
            "on": on,
            "form": DateForm(initial={"on": on}),
            "items": list(zip(items, forms, strict=True)),
        },
        status=status,
    )


def _agenda_items(program_id: int, on: date) -> list[ConferenceItem]:
    return list(
        ConferenceItem.objects.filter(program_id=program_id, meeting_on=on)
        .select_related("family", "added_by", "referral")
        .prefetch_related("suggestions__by")
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.CASE_CONFERENCE)
    form = AgendaForm(request.POST, prefix="conference")
    if not form.is_valid():
        return _referral_page_again(request, referral, form)
    item = form.save(commit=False)
    item.program_id = referral.program_id
    item.family_id = referral.family_id
    item.referral = referral
    item.added_by = request.user
    try:
        with transaction.atomic():
            item.save()
            record(
                action="referrals.conferenceitem.created",
                request=request,
                program=referral.program_id,
                obj=item,
                fields=["meeting_on", "topic"],
                detail={"referral": referral.pk},
            )
    except IntegrityError:
        form.add_error("meeting_on", _("This family is already on that conference's list."))
        return _referral_page_again(request, referral, form)
    messages.success(request, _("Added to the case conference list."))
    return redirect(f"{_agenda_url()}?on={item.meeting_on.isoformat()}")


def _agenda_url() -> str:
    from django.urls import reverse

    return reverse("referrals:conference")


@login_required
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_conference_item_for(request, pk)
    form = SuggestionForm(request.POST, prefix=f"s{item.pk}")
    if form.is_valid():
        with transaction.atomic():
            suggestion = form.save(commit=False)
            suggestion.item = item
            suggestion.by = request.user
            suggestion.save()
            record(
                action="referrals.conferencesuggestion.created",
                request=request,
                program=item.program_id,
                obj=suggestion,
                fields=["text"],
                detail={"item": item.pk},
            )
        messages.success(request, _("Suggestion added."))
        return redirect(f"{_agenda_url()}?on={item.meeting_on.isoformat()}")
    program = Program.objects.get(pk=item.program_id)
    items = _agenda_items(item.program_id, item.meeting_on)
    return _render_agenda(request, program, item.meeting_on, items, refused=form, status=400)


def _referral_page_again(request: HttpRequest, referral: Any, form: AgendaForm) -> HttpResponse:
    """The referral's page with the refused agenda form, as typed, and its errors."""
    from kindred.referrals.views import _detail_context

    record(
        action="referrals.referral.viewed",
        request=request,
        obj=referral,
        fields=["family", "looking_for", "reasons", "status", "contact_attempts", "transitions"],
    )
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, conference_form=form),
        status=400,
    )
