"""Scoped access to the directory.

The directory is a shared network: every signed-in person with `directory.view` in any program
reads every listed service. Editing is scoped: a directory curator edits only the entries their
Kindred organization stewards; a program's coordinator publishes only their own program.
"""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest

from kindred.audit.log import record
from kindred.directory.models import Organization, Service
from kindred.programs.access import capabilities, program_ids_with
from kindred.programs.models import OrganizationMembership, OrganizationRole
from kindred.programs.permissions import Cap


def curated_organization_ids(user: Any) -> list[int]:
    """Kindred organizations whose directory entries this person curates."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_kindred_curated_orgs", None)
    if cached is not None:
        return cached
    ids = sorted(
        OrganizationMembership.objects.filter(
            user=user, is_active=True, role=OrganizationRole.CURATOR
        ).values_list("organization_id", flat=True)
    )
    user._kindred_curated_orgs = ids
    return ids


def can_view(user: Any) -> bool:
    return bool(program_ids_with(user, Cap.DIRECTORY_VIEW))


def _uuid_or_404(value: Any) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        raise Http404 from None


def get_service_for(user: Any, pk: Any) -> Service:
    """A listed service anyone in the network may read; withdrawn ones only for their curators."""
    pk = _uuid_or_404(pk)
    if not capabilities(user):
        raise Http404
    service = Service.objects.select_related("organization", "source_program").filter(pk=pk).first()
    if service is None:
        raise Http404
    if (
        service.status != "active"
        and service.organization.steward_id not in curated_organization_ids(user)
    ):
        raise Http404
    return service


def get_curated_service_for(request: HttpRequest, pk: Any) -> Service:
    """A service the signed-in curator may edit; 404 (audited) for anyone else."""
    pk = _uuid_or_404(pk)
    service = (
        Service.objects.stewarded_by(curated_organization_ids(request.user))
        .select_related("organization")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        record(
            action="directory.service.access_denied",
            request=request,
            object_type="directory.service",
            object_id=pk,
        )
        raise Http404
    return service


def get_curated_organization_for(request: HttpRequest, pk: Any) -> Organization:
    pk = _uuid_or_404(pk)
    organization = Organization.objects.filter(
        pk=pk, steward_id__in=curated_organization_ids(request.user)
    ).first()
    if organization is None:
        record(
            action="directory.organization.access_denied",
            request=request,
            object_type="directory.organization",
            object_id=pk,
        )
        raise Http404
    return organization
