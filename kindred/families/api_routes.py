"""`/api/families`: the families the caller may see (read only), scoped and audited as the pages."""

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kindred.audit.log import record
from kindred.families.models import Caregiver, Child, Family, FamilyQuerySet
from kindred.programs.access import get_scoped_or_404
from kindred.programs.api_kit import (
    PageQuery,
    RecordId,
    answers,
    api_program,
    audited_page,
    caller,
    id_path,
    one_of,
)
from kindred.programs.permissions import Cap

if TYPE_CHECKING:
    FamilyStatus = str
else:
    FamilyStatus = one_of(Family.Status.values)

PREFIX = "families"
router = Router(tags=["families"])


class CaregiverOut(Schema):
    id: int
    first_name: str
    last_name: str
    relationship: str
    is_primary: bool
    phone: str
    email: str
    preferred_language: str
    interpreter_needed: bool


class ChildOut(Schema):
    id: int
    first_name: str
    date_of_birth: date | None
    conditions: list[str]


class FamilyOut(Schema):
    id: int
    program_id: int
    name: str
    status: str
    zip_code: str
    created_at: date
    caregivers: list[CaregiverOut]
    children: list[ChildOut]


class FamilyPage(Schema):
    count: int
    items: list[FamilyOut]


class FamilyFilters(PageQuery):
    program: RecordId | None = None
    status: FamilyStatus | None = None


def _with_people(families: FamilyQuerySet) -> FamilyQuerySet:
    return families.prefetch_related(
        Prefetch("caregivers", queryset=Caregiver.objects.filter(is_active=True)),
        Prefetch(
            "children",
            queryset=Child.objects.filter(is_active=True).prefetch_related("conditions"),
        ),
    )


def _out(family: Family) -> dict:
    return {
        "id": family.pk,
        "program_id": family.program_id,
        "name": family.name,
        "status": family.status,
        "zip_code": family.zip_code,
        "created_at": family.created_at.date(),
        "caregivers": list(family.caregivers.all()),
        "children": [
            {
                "id": c.pk,
                "first_name": c.first_name,
                "date_of_birth": c.date_of_birth,
                "conditions": [x.code or x.label for x in c.conditions.all()],
            }
            for c in family.children.all()
        ],
    }


@router.get("", response=answers(FamilyPage), url_name="family_list")
def families(request: HttpRequest, filters: Query[FamilyFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.FAMILIES_VIEW, Cap.FAMILIES_VIEW_MATCHED)
    found = Family.objects.visible_to(user).in_program(program).filter(merged_into__isnull=True)
    if filters.status:
        found = found.filter(status=filters.status)
    page = audited_page(request, program, _with_people(found.order_by("sort_name", "pk")), filters)
    return {"count": page["count"], "items": [_out(f) for f in page["items"]]}


@router.get("/{family_id}", response=answers(FamilyOut), url_name="family_detail")
def family(request: HttpRequest, family_id: int = id_path()) -> dict:
    caller(request)
    found = get_scoped_or_404(request, _with_people(Family.objects.all()), family_id)
    record(
        action="families.family.viewed",
        request=request,
        obj=found,
        fields=["caregivers", "children"],
        detail={"api": True},
    )
    return _out(found)
