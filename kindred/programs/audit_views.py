"""The coordinator's audit trail of their program: the events, filtered, and their CSV export.

These pages live in programs, not in audit, because they need program access; the audit app
below only records events and answers `AuditEvent.objects.for_program`.
"""

from datetime import date, datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kindred.audit.log import record
from kindred.audit.models import AuditEvent
from kindred.lib.spreadsheets import csv_response
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=100)
    actor = forms.CharField(label=_("Who (e-mail)"), required=False, max_length=254)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _in_bounds(self, name: str) -> date | None:
        # 9999-12-31 overflowed once turned into a UTC time: 1900-2100 spans any program's log.
        value = self.cleaned_data.get(name)
        if value is not None and not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            raise forms.ValidationError(_("Enter a date between 1900 and 2100."))
        return value

    def clean_date_from(self) -> date | None:
        return self._in_bounds("date_from")

    def clean_date_to(self) -> date | None:
        return self._in_bounds("date_to")

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("action"):
            events = events.filter(action__startswith=data["action"])
        if data.get("actor"):
            events = events.filter(actor_label__icontains=data["actor"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"])
        if data.get("date_from"):
            events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, tz))
        if data.get("date_to"):
            events = events.filter(at__lte=datetime.combine(data["date_to"], time.max, tz))
        return events


def _filtered(request: ProgramRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    events: QuerySet[AuditEvent] = AuditEvent.objects.for_program(request.program.pk)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    return form, events


@program_required(Cap.AUDIT_VIEW)
@require_GET
def event_list(request: ProgramRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "program": request.program},
    )


@program_required(Cap.AUDIT_VIEW)
@require_GET
def event_export(request: ProgramRequest) -> HttpResponse:
    _, events = _filtered(request)
    record(
        action="audit.events.exported",
        request=request,
        program=request.program,
        detail={"filters": {k: v for k, v in request.GET.items() if v}},
    )
    rows = (
        (
            e.at.isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            " ".join(e.fields),
            e.ip or "",
        )
        for e in events.order_by("at", "id").iterator(chunk_size=2000)
    )
    return csv_response(
        "audit.csv",
        ["at_utc", "who", "action", "object_type", "object_id", "fields", "client_address"],
        rows,
    )
