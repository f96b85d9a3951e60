"""Keeping the directory: curators' entries, verification, HSDS import and export, and a
program publishing itself."""

import json
import uuid
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.directory import hsds
from kindred.directory.access import get_organization_for, get_service_for
from kindred.directory.forms import (
    ImportForm,
    OrganizationForm,
    PublishForm,
    ServiceForm,
    StatusForm,
)
from kindred.directory.hsds_csv import datapackage_zip
from kindred.directory.hsds_import import run_import
from kindred.directory.models import Organization, Service, curated_organization_ids, stale_days
from kindred.directory.services import (
    directory_organization_for,
    directory_organization_id,
    primary_place_of,
    program_service_sync,
    service_save,
)
from kindred.directory.views import service_page
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.models import Organization as KindredOrganization
from kindred.programs.models import Program
from kindred.programs.permissions import Cap


def _steward(request: ProgramRequest) -> KindredOrganization:
    """The Kindred organization the curator works for (the first, if they curate several)."""
    ids = curated_organization_ids(request.user)
    program: Program = request.program
    steward_id = program.organization_id if program.organization_id in ids else ids[0]
    return KindredOrganization.objects.get(pk=steward_id)


@program_required(Cap.DIRECTORY_CURATE)
@require_GET
def curate(request: ProgramRequest) -> HttpResponse:
    ids = curated_organization_ids(request.user)
    organizations = Organization.objects.filter(steward_id__in=ids).annotate(
        service_count=Count("services")
    )
    services = (
        Service.objects.stewarded_by(ids)
        .select_related("organization")
        .order_by("last_verified_at", "name")
    )
    show = request.GET.get("show", "")
    if show == "stale":
        services = services.stale()
    stale_count = Service.objects.stewarded_by(ids).stale().count()
    return render(
        request,
        "directory/curate.html",
        {
            "organizations": organizations,
            "services": services[:200],
            "stale_count": stale_count,
            "stale_days": stale_days(),
            "show": show,
        },
    )


@program_required(Cap.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def organization_edit(request: ProgramRequest, pk: uuid.UUID | None = None) -> HttpResponse:
    organization = (
        get_organization_for(request, pk, capability=Cap.DIRECTORY_CURATE)
        if pk
        else Organization(steward=_steward(request))
    )
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        created = organization._state.adding
        organization = form.save(commit=False)
        organization.modified_at = timezone.now()
        organization.save()
        record(
            action="directory.organization.created"
            if created
            else "directory.organization.changed",
            request=request,
            obj=organization,
            fields=form.changed_data,
        )
        messages.success(request, _("Organization saved."))
        return redirect("directory:curate")
    return render(
        request,
        "directory/organization_form.html",
        {"form": form, "organization": organization, "is_new": pk is None},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def service_edit(request: ProgramRequest, pk: uuid.UUID | None = None) -> HttpResponse:
    service = get_service_for(request, pk, capability=Cap.DIRECTORY_CURATE) if pk else Service()
    organizations = Organization.objects.filter(
        steward_id__in=curated_organization_ids(request.user)
    )
    if not organizations.exists():
        messages.error(request, _("Add the organization that provides the service first."))
        return redirect("directory:organization_new")
    place = primary_place_of(service) if pk else None
    form = ServiceForm(
        request.POST or None, instance=service, organizations=organizations, place=place
    )
    if request.method == "POST" and form.is_valid():
        created = service._state.adding
        service = form.save(commit=False)
        primary = form.apply(service)
        service_save(
            service=service, place=primary, by=request.user, request=request, created=created
        )
        messages.success(request, _("Service saved."))
        return redirect("directory:service", pk=service.pk)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "service": service, "is_new": pk is None},
        status=400 if form.errors else 200,
    )


@program_required(Cap.DIRECTORY_CURATE)
@require_POST
def service_verify(request: ProgramRequest, pk: uuid.UUID) -> HttpResponse:
    service = get_service_for(request, pk, capability=Cap.DIRECTORY_CURATE)
    service.verify(by=request.user, request=request)
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:service", pk=service.pk)


@program_required(Cap.DIRECTORY_CURATE)
@require_POST
def service_status(request: ProgramRequest, pk: uuid.UUID) -> HttpResponse:
    service = get_service_for(request, pk, capability=Cap.DIRECTORY_CURATE)
    form = StatusForm(request.POST, service=service)
    if form.is_valid():
        try:
            service.transition(
                to=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except TransitionError as error:
            form.add_error("reason" if error.code == "reason_required" else "status", error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("directory:service", pk=service.pk)
    return service_page(request, service, status_form=form, status=400)


@program_required(Cap.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def import_hsds(request: ProgramRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        sources = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        steward = _steward(request)
        report = run_import(sources, steward_id=steward.pk, by=request.user)
        record(
            action="directory.import.completed" if report.ok else "directory.import.refused",
            request=request,
            object_type="directory.import",
            detail={
                "files": len(sources),
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "counts": report.counts,
            },
        )
        if report.ok:
            messages.success(
                request,
                _("Imported %(services)s services and %(organizations)s organizations.")
                % {
                    "services": report.counts.get("services", 0),
                    "organizations": report.counts.get("organizations", 0),
                },
            )
    refused = bool(form.errors) or (report is not None and not report.ok)
    return render(
        request,
        "directory/import.html",
        {"form": form, "report": report},
        status=400 if refused else 200,
    )


def _export_queryset(request: HttpRequest) -> QuerySet[Service]:
    qs = Service.objects.listed()
    if request.GET.get("scope") == "mine":
        qs = Service.objects.stewarded_by(curated_organization_ids(request.user))
    return qs.order_by("name")


@program_required(Cap.DIRECTORY_VIEW)
@require_GET
def export_json(request: ProgramRequest) -> HttpResponse:
    data = hsds.export_services(_export_queryset(request))
    record(
        action="directory.export.json", request=request, object_type="directory.export",
        detail={"services": len(data)},
    )  # fmt: skip
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="kindred-directory-hsds.json"'
    return response


@program_required(Cap.DIRECTORY_VIEW)
@require_GET
def export_csv(request: ProgramRequest) -> HttpResponse:
    data = hsds.export_services(_export_queryset(request))
    record(
        action="directory.export.csv", request=request, object_type="directory.export",
        detail={"services": len(data)},
    )  # fmt: skip
    response = HttpResponse(datapackage_zip(data), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="kindred-directory-hsds-csv.zip"'
    return response


@program_required(Cap.PROGRAM_MANAGE)
@require_http_methods(["GET", "POST"])
def publish(request: ProgramRequest) -> HttpResponse:
    """The one switch: publish my program as a directory service (kept in sync with settings)."""
    program: Program = request.program
    service = Service.objects.filter(source_program=program).prefetch_related("phones").first()
    initial: dict = {"publish": bool(service and service.status == "active")}
    if service is not None:
        place = primary_place_of(service)
        postal = next(
            (
                link.location.extra.get("postal_code", "")
                for link in service.service_at_locations.all()
            ),
            "",
        )
        initial.update(
            {
                "phone": place.phone,
                "email": service.email,
                "url": service.url,
                "zip_code": postal,
                "description": service.description,
                "description_es": service.description_es,
            }
        )
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    entry = Organization.objects.filter(pk=directory_organization_id(program.organization)).first()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing: a refused publication keeps no logo either.
            with transaction.atomic():
                _save_logo(request, program, form.cleaned_data.get("logo"))
                program_service_sync(
                    program=program,
                    by=request.user,
                    publish=form.cleaned_data["publish"],
                    details=form.details(),
                    request=request,
                )
        except TransitionError as error:
            form.add_error("publish", error)
            status = 400
        else:
            if form.cleaned_data["publish"]:
                messages.success(request, _("Your program is listed in the directory."))
            else:
                messages.success(request, _("Your program is not listed in the directory."))
            return redirect("directory:publish")
    return render(
        request,
        "directory/publish.html",
        {
            "form": form,
            "program": program,
            "service": service,
            "public_url": request.build_absolute_uri(f"/directory/public/{program.slug}/"),
            "logo": entry.logo_data_uri() if entry else "",
        },
        status=status,
    )


def _save_logo(request: HttpRequest, program: Program, logo: Any) -> None:
    if not logo:
        return
    entry = directory_organization_for(program.organization)
    logo.seek(0)
    entry.logo_image = logo.read()
    entry.logo_type = "image/png" if logo.image.format == "PNG" else "image/jpeg"
    entry.modified_at = timezone.now()
    entry.save(update_fields=["logo_image", "logo_type", "modified_at"])
    record(action="directory.organization.changed", request=request, obj=entry, fields=["logo"])
