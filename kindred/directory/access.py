"""Scoped access to the directory.

The directory is a shared network: every signed-in person with `directory.view` in any program
reads every listed service. Editing is scoped: a directory curator edits only the entries their
Kindred organization stewards; a program's coordinator publishes only their own program.
Every fetch goes through the access kit (kindred.programs.access.get_scoped_or_404): 404 out of
reach, 403 within reach without the capability asked, each refusal audited once.
"""

from typing import Any

from django.http import HttpRequest

from kindred.directory.models import (
    Organization,
    ResourceShare,
    Service,
    SharedList,
)
from kindred.families.access import get_family_for
from kindred.programs.access import ProgramRequest, get_scoped_or_404, program_ids_with
from kindred.programs.permissions import Cap


def can_view(user: Any) -> bool:
    return bool(program_ids_with(user, Cap.DIRECTORY_VIEW))


def get_service_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.DIRECTORY_VIEW
) -> Service:
    """A service of the network directory: a listed one for anyone with directory.view in any
    program, a withdrawn one only for its curators (404 otherwise); with
    capability=DIRECTORY_CURATE, only a service its curators keep (403 for others)."""
    return get_scoped_or_404(
        request,
        Service.objects.select_related("organization", "source_program"),
        pk,
        capability=None if capability == Cap.DIRECTORY_VIEW else capability,
    )


def get_organization_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.DIRECTORY_VIEW
) -> Organization:
    """A directory organization, read as its services are (the listed ones' organizations
    for everyone, all for their curators); with capability=DIRECTORY_CURATE, kept by them."""
    return get_scoped_or_404(
        request,
        Organization.objects.all(),
        pk,
        capability=None if capability == Cap.DIRECTORY_VIEW else capability,
    )


def get_shared_list_for(
    request: ProgramRequest, pk: Any, *, capability: str = Cap.DIRECTORY_SHARE
) -> SharedList:
    """One of the current program's shared lists ("our cardiology list")."""
    return get_scoped_or_404(
        request,
        SharedList.objects.in_program(request.program),
        pk,
        capability=None if capability == Cap.DIRECTORY_SHARE else capability,
    )


def get_resource_share_for(
    request: HttpRequest, pk: Any, *, capability: str = Cap.DIRECTORY_SHARE
) -> ResourceShare:
    """Resources given to a family, for a person who may share resources in its program and
    may see the family (a mentor sees only their matched families)."""
    share = get_scoped_or_404(
        request,
        ResourceShare.objects.select_related("program", "family"),
        pk,
        capability=None if capability == Cap.DIRECTORY_SHARE else capability,
    )
    get_family_for(request, share.family_id)
    return share
