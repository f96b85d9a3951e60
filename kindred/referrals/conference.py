"""The weekly case conference list: which families to discuss, the team's suggestions; it
prints (the base layout hides navigation in print)."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kindred.audit.log import record
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap
from kindred.referrals.access import get_conference_item_for, get_referral_for
from kindred.referrals.models import ConferenceItem, ConferenceSuggestion

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def next_meeting(today: date | None = None) -> date:
    """The coming Monday (today if it is Monday): the weekly conference's default date."""
    today = today or timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7)


class AgendaForm(forms.ModelForm):
    class Meta:
        model = ConferenceItem
        fields = ["meeting_on", "topic"]
        widgets = {"meeting_on": DATE_INPUT, "topic": forms.Textarea(attrs={"rows": 2})}

    def clean_meeting_on(self) -> date:
        value = self.cleaned_data["meeting_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(gettext_lazy("Choose today or a later date."))
        return value


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = ConferenceSuggestion
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class DateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Conference date"), required=False, widget=DATE_INPUT)


@program_required(Cap.CASE_CONFERENCE)
@require_GET
def agenda(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    form = DateForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or next_meeting()
    items = list(
        ConferenceItem.objects.filter(program=program, meeting_on=on)
        .select_related("family", "added_by", "referral")
        .prefetch_related("suggestions__by")
    )
    record(
        action="referrals.conferenceitem.listed",
        request=request,
        program=program,
        object_type="referrals.conferenceitem",
        detail={"count": len(items), "on": on.isoformat()},
    )
    return render(
        request,
        "referrals/conference.html",
        {
            "program": program,
            "on": on,
            "form": DateForm(initial={"on": on}),
            "items": [(item, SuggestionForm(prefix=f"s{item.pk}")) for item in items],
        },
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.CASE_CONFERENCE)
    form = AgendaForm(request.POST, prefix="conference")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("referrals:detail", pk=referral.pk)
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
        messages.error(request, _("This family is already on that conference's list."))
        return redirect("referrals:detail", pk=referral.pk)
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
    else:
        messages.error(request, _("Write a suggestion first."))
    return redirect(f"{_agenda_url()}?on={item.meeting_on.isoformat()}")
