"""Scoped access to families: the only way a view reaches a family, caregiver or child."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.audit.log import record
from kindred.families.models import Family
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap


def get_family_for(
    user: Any, pk: Any, *, capability: str = Cap.FAMILIES_VIEW, request: Any = None
) -> Family:
    """The family `pk` if `user` may see it with `capability`; 404 (audited) otherwise.

    FAMILIES_VIEW also admits a mentor's matched families (FAMILIES_VIEW_MATCHED) for reading.
    Other capabilities (FAMILIES_EDIT, FAMILIES_IMPORT_EXPORT) are checked against the family's
    program: a member of the program without the capability gets 403.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    family = (
        Family.objects.visible_to(user)
        .select_related("program", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if family is None:
        record(
            action="families.family.access_denied",
            request=request,
            actor=user if getattr(user, "is_authenticated", False) else None,
            object_type="families.family",
            object_id=pk,
        )
        raise Http404
    if capability != Cap.FAMILIES_VIEW and not has_capability(user, family.program_id, capability):
        record(
            action="families.family.access_denied",
            request=request,
            actor=user,
            program=family.program_id,
            obj=family,
            detail={"capability": capability},
        )
        raise PermissionDenied
    return family


def can_edit(user: Any, family: Family) -> bool:
    return has_capability(user, family.program_id, Cap.FAMILIES_EDIT)
