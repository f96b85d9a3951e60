"""Import families from a spreadsheet (upload, map columns, preview, import) and export them."""

import io
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families import import_jobs, importer
from kindred.families.access import get_family_import_for
from kindred.families.forms import ImportUploadForm, SearchForm
from kindred.families.models import Caregiver, Child, FamilyImport
from kindred.families.tasks import run_family_import
from kindred.families.views import search_families
from kindred.lib.search import remembered_criteria
from kindred.lib.spreadsheets import csv_response, neutralise
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap

EXPORT_HEADER = [
    "family_id",
    "family_name",
    "status",
    "caregiver_first_name",
    "caregiver_last_name",
    "relationship",
    "phone",
    "email",
    "preferred_language",
    "interpreter_needed",
    "address",
    "city",
    "state",
    "zip_code",
    "children",
    "created_at",
]


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["GET", "POST"])
def import_upload(request: ProgramRequest) -> HttpResponse:
    program = request.program
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            headers, rows = importer.read_table(upload.name, content)
        except importer.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = FamilyImport.objects.create(
                program=program,
                uploaded_by=request.user,
                filename=upload.name[:200],
                content=content,
                mapping=importer.guess_mapping(headers),
                row_count=len(rows),
            )
            record(
                action="families.familyimport.uploaded",
                request=request,
                program=program,
                obj=job,
                detail={"rows": len(rows)},
            )
            return redirect("families:import_review", pk=job.pk)
    recent = FamilyImport.objects.filter(program=program).select_related("uploaded_by")[:10]
    return render(
        request,
        "families/import_upload.html",
        {"form": form, "program": program, "recent": recent},
        status=400 if form.errors else 200,
    )


SAMPLE_ROWS = 50


def start_import(job: FamilyImport, *, mapping: dict[str, int], by: Any, request: Any) -> None:
    """Queue the import of every row; TransitionError if the job is no longer waiting."""
    with transaction.atomic():
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        job.transition(
            to=FamilyImport.Status.IMPORTING,
            by=by,
            request=request,
            detail={"rows": job.row_count},
        )
        pk = job.pk
        transaction.on_commit(lambda: run_family_import.enqueue(pk))


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["GET", "POST"])
def import_review(request: ProgramRequest, pk: int) -> HttpResponse:
    """Map columns and preview the first rows with their errors, then import all rows or none.

    The page checks only the first rows itself; the import (every row checked, then written)
    runs as a background task, so a 20,000-row file never runs inside this request."""
    program = request.program
    job = get_family_import_for(request, pk)
    if job.status == FamilyImport.Status.IMPORTING:
        return redirect("families:import_progress", pk=job.pk)
    if job.status != FamilyImport.Status.UPLOADED:
        messages.info(request, _("This import is finished."))
        return redirect("families:import")
    headers, rows = importer.read_table(job.filename, bytes(job.content))
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        mapping: dict[str, int] = {}
        for target in importer.TARGETS:
            value = request.POST.get(f"map_{target.key}", "")
            if value.isascii() and value.isdigit() and int(value) < len(headers):
                mapping[target.key] = int(value)
        if mapping != job.mapping:
            # Other columns: the last full check no longer holds.
            job.mapping, job.check_errors, job.error_count = mapping, [], 0
            job.save(update_fields=["mapping", "check_errors", "error_count"])
        if action == "abandon":
            try:
                job.transition(to=FamilyImport.Status.ABANDONED, by=request.user, request=request)
            except TransitionError:
                messages.info(request, _("This import is finished."))
                return redirect("families:import")
            messages.info(request, _("Import abandoned. Nothing was imported."))
            return redirect("families:import")
    preview = importer.validate(
        program=program, headers=headers, rows=rows[:SAMPLE_ROWS], mapping=job.mapping
    )
    if action == "import":
        if preview.ok and not job.error_count:
            try:
                start_import(job, mapping=job.mapping, by=request.user, request=request)
            except TransitionError:
                messages.info(request, _("This import is finished."))
                return redirect("families:import")
            return redirect("families:import_progress", pk=job.pk)
        messages.error(
            request,
            _(
                "Nothing was imported: fix the rows with errors in your spreadsheet and upload it again, or choose other columns."
            ),
        )
    sample = [
        {
            "number": row.number,
            "family": row.family,
            "caregiver": row.caregiver,
            "child": row.child,
            "errors": preview.errors.get(row.number, []),
            "warnings": preview.warnings.get(row.number, []),
        }
        for row in preview.rows
    ]
    # The rows to fix: the last full check's (every row), else those of the first rows.
    errors = {int(n): list(p) for n, p in job.check_errors} or dict(preview.errors)
    error_rows = sorted(errors.items())[: import_jobs.MAX_ERRORS_KEPT]
    return render(
        request,
        "families/import_review.html",
        {
            "job": job,
            "program": program,
            "headers": list(enumerate(headers)),
            "targets": [(t, job.mapping.get(t.key)) for t in importer.TARGETS],
            "ready": preview.ok and not job.error_count,
            "checked_all": bool(job.check_errors) or len(rows) <= SAMPLE_ROWS,
            "sample": sample,
            "error_rows": error_rows,
            "error_count": job.error_count or len(preview.errors),
            "warning_count": len(preview.warnings),
            "row_count": len(rows),
        },
        # An import refused for rows with errors: the preview again, with them.
        status=400 if action == "import" else 200,
    )


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["GET"])
def import_progress(request: ProgramRequest, pk: int) -> HttpResponse:
    """The import's progress bar: a page that refreshes itself while the task runs (a small
    script asks for ?format=json instead, and reloads when the job is over)."""
    job = get_family_import_for(request, pk)
    percent = round(100 * import_jobs.progress_of(job))
    running = job.status == FamilyImport.Status.IMPORTING
    if request.GET.get("format") == "json":
        response: HttpResponse = JsonResponse({"running": running, "percent": percent})
    elif job.status == FamilyImport.Status.UPLOADED:
        # The full check found rows to fix: back to the review page, which lists them.
        messages.error(
            request,
            ngettext(
                "Nothing was imported: %(n)d row has errors. Fix it in your spreadsheet and upload it again, or choose other columns.",
                "Nothing was imported: %(n)d rows have errors. Fix them in your spreadsheet and upload it again, or choose other columns.",
                job.error_count,
            )
            % {"n": job.error_count},
        )
        return redirect("families:import_review", pk=job.pk)
    else:
        response = render(
            request,
            "families/import_progress.html",
            {
                "job": job,
                "percent": percent,
                "running": running,
                "stuck": running and import_jobs.is_stuck(job),
                "stuck_minutes": int(import_jobs.stuck_after().total_seconds() // 60),
            },
        )
    response["Cache-Control"] = "no-store"
    return response


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["POST"])
def import_restart(request: ProgramRequest, pk: int) -> HttpResponse:
    """An import whose task was lost (still "importing" long after it started) goes back to
    review, nothing written, to be started again."""
    job = get_family_import_for(request, pk)
    if not import_jobs.is_stuck(job):
        messages.info(request, _("This import is still running or already finished."))
        return redirect("families:import_progress", pk=job.pk)
    try:
        import_jobs.release_stuck(job, by=request.user, request=request)
    except TransitionError:
        messages.info(request, _("This import is finished."))
        return redirect("families:import_progress", pk=job.pk)
    messages.success(
        request, _("Nothing was imported. Check the columns and start the import again.")
    )
    return redirect("families:import_review", pk=job.pk)


def _export_rows(families: Any) -> Any:
    for family in families.iterator(chunk_size=2000):
        primary = next((c for c in family.caregivers.all() if c.is_primary), None)
        children = "; ".join(
            f"{c.first_name} {c.last_name} ({c.date_of_birth.isoformat() if c.date_of_birth else ''})"
            for c in family.children.all()
        )
        yield [
            family.pk,
            family.name,
            family.status,
            primary.first_name if primary else "",
            primary.last_name if primary else "",
            primary.relationship if primary else "",
            primary.phone if primary else "",
            primary.email if primary else "",
            primary.preferred_language if primary else "",
            ("yes" if primary.interpreter_needed else "no") if primary else "",
            family.address_line1,
            family.city,
            family.state,
            family.zip_code,
            children,
            timezone.localtime(family.created_at).strftime("%Y-%m-%d"),
        ]


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["GET"])
def export(request: ProgramRequest) -> HttpResponse:
    """The program's families (current search) as CSV or XLSX, formula injection neutralised."""
    from django.db.models import Prefetch

    program = request.program
    # The search of the families list, kept in the session (never in the URL).
    criteria = remembered_criteria(request, "families")
    form = SearchForm(criteria or None, program=program)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    families = search_families(program, data).prefetch_related(
        Prefetch("caregivers", queryset=Caregiver.objects.filter(is_active=True)),
        Prefetch("children", queryset=Child.objects.filter(is_active=True)),
    )
    rows = list(_export_rows(families))
    fmt = request.GET.get("format", "csv")
    record(
        action="families.family.exported",
        request=request,
        program=program,
        object_type="families.family",
        fields=EXPORT_HEADER,
        detail={"rows": len(rows), "format": fmt},
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("families")
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="families-{stamp}.xlsx"'
        return response
    return csv_response(f"families-{stamp}.csv", EXPORT_HEADER, rows)
