"""Import families from a spreadsheet (upload, map columns, preview, import) and export them."""

import io
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families import importer
from kindred.families.access import get_family_import_for
from kindred.families.forms import ImportUploadForm, SearchForm
from kindred.families.models import Caregiver, Child, FamilyImport
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


@program_required(Cap.FAMILIES_IMPORT_EXPORT)
@require_http_methods(["GET", "POST"])
def import_review(request: ProgramRequest, pk: int) -> HttpResponse:
    """Map columns, preview every row with its errors, then import all rows or none."""
    program = request.program
    job = get_family_import_for(request, pk)
    if job.status != FamilyImport.Status.UPLOADED:
        messages.info(request, _("This import is finished."))
        return redirect("families:import")
    headers, rows = importer.read_table(job.filename, bytes(job.content))
    if request.method == "POST":
        mapping: dict[str, int] = {}
        for target in importer.TARGETS:
            value = request.POST.get(f"map_{target.key}", "")
            if value.isdigit() and int(value) < len(headers):
                mapping[target.key] = int(value)
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        if request.POST.get("action") == "abandon":
            try:
                job.transition(to=FamilyImport.Status.ABANDONED, by=request.user, request=request)
            except TransitionError:
                messages.info(request, _("This import is finished."))
                return redirect("families:import")
            messages.info(request, _("Import abandoned. Nothing was imported."))
            return redirect("families:import")
    preview = importer.validate(program=program, headers=headers, rows=rows, mapping=job.mapping)
    if request.method == "POST" and request.POST.get("action") == "import":
        if preview.ok:
            try:
                # The rows and the job's end in one transaction: a second click (or a second
                # tab) finds the job imported and its rows are rolled back with it.
                with transaction.atomic():
                    count = importer.import_rows(
                        program=program,
                        preview=preview,
                        by=request.user,
                        request=request,
                        import_id=job.pk,
                    )
                    job.transition(
                        to=FamilyImport.Status.IMPORTED,
                        by=request.user,
                        request=request,
                        detail={"count": count},
                        imported_count=count,
                    )
            except TransitionError:
                messages.info(request, _("This import is finished."))
                return redirect("families:import")
            messages.success(request, _("%(count)s families imported.") % {"count": count})
            return redirect("families:list")
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
        for row in preview.rows[:50]
    ]
    error_rows = sorted(preview.errors.items())[:200]
    return render(
        request,
        "families/import_review.html",
        {
            "job": job,
            "program": program,
            "headers": list(enumerate(headers)),
            "targets": [(t, job.mapping.get(t.key)) for t in importer.TARGETS],
            "preview": preview,
            "sample": sample,
            "error_rows": error_rows,
            "error_count": len(preview.errors),
            "warning_count": len(preview.warnings),
            "row_count": len(rows),
        },
        # An import refused for rows with errors: the preview again, with them.
        status=400 if request.method == "POST" and request.POST.get("action") == "import" else 200,
    )


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
