"""The program report on screen and as PDF (docs/evaluation.md)."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.evaluation import presentation, report
from kindred.evaluation.forms import BY_MONTH_MAX, PeriodForm, default_period
from kindred.lib.measures import all_measures, months
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap


def _language() -> str:
    return (get_language() or "en")[:2]


def period_label(start: date, end: date) -> str:
    last = end - timedelta(days=1)
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(last, 'SHORT_DATE_FORMAT')}"


def _form(request: ProgramRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    start, end = default_period()
    return PeriodForm({"start": start, "end": end})


def report_context(request: ProgramRequest, form: PeriodForm) -> dict[str, Any]:
    program = request.program
    exact = has_capability(request.user, program, Cap.REPORTS_EXACT)
    periods = form.periods()
    language = _language()
    reports = [report.build(program, lo, hi, language=language) for lo, hi in periods]
    labels = [period_label(lo, hi) for lo, hi in periods]
    measures = all_measures()
    start, end = periods[0]
    month_list = list(months(start, end))
    values = presentation.measure_values(measures, program, periods)
    by_month = None
    if 1 < len(month_list) <= BY_MONTH_MAX:
        by_month = {
            "months": [date_format(m, "YEAR_MONTH_FORMAT") for m, _lo, _hi in month_list],
            "rows": presentation.measures_table(
                measures,
                presentation.measure_values(
                    measures, program, [(lo, hi) for _m, lo, hi in month_list]
                ),
                exact=exact,
                whole=values[0],
            ),
        }
    return {
        "program": program,
        "form": form,
        "labels": labels,
        "exact": exact,
        "totals": presentation.totals(reports, exact=exact),
        "funnel": presentation.funnel(reports, exact=exact),
        "matches": presentation.matches_and_hours(reports, exact=exact),
        "groups": presentation.groups_table(reports, exact=exact),
        "sections": presentation.sections(reports, labels, exact=exact),
        "measures": presentation.measures_table(measures, values, exact=exact),
        "by_month": by_month,
        "can_export": has_capability(request.user, program, Cap.REPORTS_EXPORT),
        "can_deidentify": has_capability(request.user, program, Cap.REPORTS_DEIDENTIFIED),
        "query": request.GET.urlencode(),
    }


def _audit(request: ProgramRequest, action: str, form: PeriodForm) -> None:
    periods = form.periods()
    record(
        action=action,
        request=request,
        program=request.program,
        object_type="programs.program",
        object_id=request.program.pk,
        detail={"periods": [[lo.isoformat(), hi.isoformat()] for lo, hi in periods]},
    )


@program_required(Cap.REPORTS_VIEW)
def program_report(request: ProgramRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return render(
            request,
            "evaluation/report.html",
            {"program": request.program, "form": form, "invalid": True},
            status=400,
        )
    context = report_context(request, form)
    with transaction.atomic():
        _audit(request, "evaluation.report.viewed", form)
    return render(request, "evaluation/report.html", context)


@program_required(Cap.REPORTS_VIEW)
def program_report_pdf(request: ProgramRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return render(
            request,
            "evaluation/report.html",
            {"program": request.program, "form": form, "invalid": True},
            status=400,
        )
    from weasyprint import HTML

    context = report_context(request, form)
    html = render_to_string("evaluation/report_pdf.html", context, request=request)
    # No base URL: the charts are data: URIs, nothing is fetched.
    pdf = HTML(string=html).write_pdf()
    with transaction.atomic():
        _audit(request, "evaluation.report.exported", form)
    response = HttpResponse(pdf, content_type="application/pdf")
    start, end = form.periods()[0]
    response["Content-Disposition"] = (
        f'attachment; filename="{_("program-report")}-{start}-{end - timedelta(days=1)}.pdf"'
    )
    return response
