"""Scoped access to families: the only way a view reaches a family, caregiver or child."""

from typing import Any

from django.http import HttpRequest

from kindred.families.models import Family, FamilyImport
from kindred.programs.access import ProgramRequest, get_scoped_or_404, has_capability
from kindred.programs.permissions import Cap


def get_family_for(request: HttpRequest, pk: Any, *, capability: str = Cap.FAMILIES_VIEW) -> Family:
    """The family `pk` if the signed-in person may see it with `capability`; 404 outside their
    programs, 403 inside them without the capability (audited once, by the access kit).

    FAMILIES_VIEW also admits a mentor's matched families (FAMILIES_VIEW_MATCHED) for reading:
    seeing the family is then the whole check.
    """
    return get_scoped_or_404(
        request,
        Family.objects.select_related("program", "merged_into"),
        pk,
        capability=None if capability == Cap.FAMILIES_VIEW else capability,
    )


def can_edit(user: Any, family: Family) -> bool:
    return has_capability(user, family.program_id, Cap.FAMILIES_EDIT)


def get_family_import_for(
    request: ProgramRequest, pk: Any, *, capability: str = Cap.FAMILIES_IMPORT_EXPORT
) -> FamilyImport:
    """A spreadsheet import of the current program (the page shows that program's families)."""
    return get_scoped_or_404(
        request,
        FamilyImport.objects.in_program(request.program),
        pk,
        capability=None if capability == Cap.FAMILIES_IMPORT_EXPORT else capability,
    )
