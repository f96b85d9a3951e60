"""The exports page and its downloads; every download is audited (what, which period, how many
rows), inside the transaction that reads the rows."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.audit.log import record
from kindred.evaluation import exports
from kindred.evaluation.forms import PeriodForm, default_period
from kindred.lib.spreadsheets import csv_response, neutralise
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = Callable[[Any, date, date], tuple[list[str], Iterable[Sequence[Any]]]]
KINDS: dict[str, tuple[Rows, str]] = {
    "encounters": (exports.encounter_rows, Cap.REPORTS_EXPORT),
    "matches": (exports.match_rows, Cap.REPORTS_EXPORT),
    "deidentified": (exports.deidentified_rows, Cap.REPORTS_DEIDENTIFIED),
}


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[
            (1, _("January–March")),
            (2, _("April–June")),
            (3, _("July–September")),
            (4, _("October–December")),
        ],
    )

    def period(self) -> tuple[date, date]:
        year, quarter = self.cleaned_data["year"], self.cleaned_data["quarter"]
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return start, end


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _period_form(request: ProgramRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    start, end = default_period()
    return PeriodForm({"start": start, "end": end})


def _page(request: ProgramRequest, *, status: int = 200, **forms_: Any) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "program": request.program,
        "form": forms_.get("form") or _period_form(request),
        "quarter_form": forms_.get("quarter_form")
        or QuarterForm(initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}),
        "can_export": has_capability(request.user, request.program, Cap.REPORTS_EXPORT),
        "can_deidentify": has_capability(request.user, request.program, Cap.REPORTS_DEIDENTIFIED),
    }
    return render(request, "evaluation/exports.html", context, status=status)


@program_required(Cap.REPORTS_VIEW)
def export_page(request: ProgramRequest) -> HttpResponse:
    if not (
        has_capability(request.user, request.program, Cap.REPORTS_EXPORT)
        or has_capability(request.user, request.program, Cap.REPORTS_DEIDENTIFIED)
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return _page(request)


def _download(request: ProgramRequest, kind: str, fmt: str) -> HttpResponse:
    rows_of, capability = KINDS[kind]
    if not has_capability(request.user, request.program, capability):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _page(request, status=400, form=form)
    start, end = form.periods()[0]
    with transaction.atomic():
        header, rows = rows_of(request.program, start, end)
        rows = list(rows)
        record(
            action=f"evaluation.{kind}.exported",
            request=request,
            program=request.program,
            object_type="programs.program",
            object_id=request.program.pk,
            fields=list(header) if kind == "deidentified" else [],
            detail={
                "format": fmt,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "rows": len(rows),
            },
        )
    filename = f"{kind}-{start}-{end - timedelta(days=1)}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows)
    return csv_response(filename, header, rows)


@program_required(Cap.REPORTS_EXPORT)
def encounters_csv(request: ProgramRequest) -> HttpResponse:
    return _download(request, "encounters", "csv")


@program_required(Cap.REPORTS_EXPORT)
def encounters_xlsx(request: ProgramRequest) -> HttpResponse:
    return _download(request, "encounters", "xlsx")


@program_required(Cap.REPORTS_EXPORT)
def matches_csv(request: ProgramRequest) -> HttpResponse:
    return _download(request, "matches", "csv")


@program_required(Cap.REPORTS_EXPORT)
def matches_xlsx(request: ProgramRequest) -> HttpResponse:
    return _download(request, "matches", "xlsx")


@program_required(Cap.REPORTS_DEIDENTIFIED)
def deidentified_csv(request: ProgramRequest) -> HttpResponse:
    return _download(request, "deidentified", "csv")


@program_required(Cap.REPORTS_EXPORT)
def network_csv(request: ProgramRequest) -> HttpResponse:
    form = QuarterForm(request.GET)
    if not form.is_valid():
        return _page(request, status=400, quarter_form=form)
    start, end = form.period()
    with transaction.atomic():
        header, rows = exports.network_rows(request.program, start, end)
        record(
            action="evaluation.network.exported",
            request=request,
            program=request.program,
            object_type="programs.program",
            object_id=request.program.pk,
            detail={"format": "csv", "start": start.isoformat(), "end": end.isoformat()},
        )
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    return csv_response(f"network-{year}-Q{quarter}.csv", header, rows)
