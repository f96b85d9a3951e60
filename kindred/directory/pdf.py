"""The printable resource folder (WeasyPrint): the program's name, then each service with its
phones, addresses, hours and languages, in the family's language where the text exists."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kindred.directory.search import with_details
from kindred.programs.models import Program


def folder_context(*, program: Program, services: list[Any], language: str) -> dict[str, Any]:
    from kindred.directory.models import Organization
    from kindred.directory.services import directory_organization_id

    entry = Organization.objects.filter(pk=directory_organization_id(program.organization)).first()
    return {
        "logo": entry.logo_data_uri() if entry else "",
        "program": program,
        "services": services,
        "language": language,
        "today": timezone.localdate(),
    }


def folder_html(*, program: Program, service_ids: list[Any], language: str) -> str:
    from kindred.directory.models import Service

    by_pk = {s.pk: s for s in with_details(Service.objects.filter(pk__in=service_ids))}
    services = [by_pk[pk] for pk in service_ids if pk in by_pk]
    with translation.override(language):
        return render_to_string(
            "directory/folder.html",
            folder_context(program=program, services=services, language=language),
        )


def folder_pdf(*, program: Program, service_ids: list[Any], language: str) -> bytes:
    from weasyprint import HTML

    html = folder_html(program=program, service_ids=service_ids, language=language)
    # No base URL: the folder loads nothing from outside (no network on a clinic server).
    return HTML(string=html).write_pdf()
