"""`/api/programs`: the programs the caller may work in, with what they may do there."""

from django.http import HttpRequest
from ninja import Router, Schema

from kindred.programs.access import capabilities
from kindred.programs.api_kit import answers, caller
from kindred.programs.models import Program

PREFIX = "programs"
router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    name: str
    slug: str
    organization: str
    scope: str
    languages: list[str]
    first_contact_target_hours: int
    capabilities: list[str]


@router.get("", response=answers(list[ProgramOut]), url_name="program_list")
def programs(request: HttpRequest) -> list[dict]:
    caps = capabilities(caller(request))
    found = Program.objects.filter(pk__in=list(caps), is_active=True).select_related("organization")
    return [
        {
            "id": p.pk,
            "name": p.name,
            "slug": p.slug,
            "organization": p.organization.name,
            "scope": p.scope,
            "languages": list(p.languages or []),
            "first_contact_target_hours": p.first_contact_target_hours,
            "capabilities": sorted(caps[p.pk]),
        }
        for p in found.order_by("name")
    ]
