"""`/api/directory/services`: the listed services of the peer support directory, in HSDS 3.0.

The directory is shared by the network, not one program's: any signed-in member of a program
with the directory reads what families may find. Unlike the rest of the JSON API, these two
endpoints speak HSDS 3.0 (as `/api/hsds/` does, there without signing in): the list takes the
HSDS OpenAPI's parameters (`page` from 1, `per_page`, `search`, `taxonomy_term_id`,
`modified_after`) and answers its paged envelope (`total_items`, `total_pages`, `page_number`,
`size`, `first_page`, `last_page`, `empty`, `contents`, each a service with its one-to-one
fields); one service is the fully nested HSDS `service`.
"""

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kindred.directory import hsds
from kindred.directory.api_query import DEFAULT_PER_PAGE, MAX_PER_PAGE, find_services, paginate
from kindred.directory.models import Service
from kindred.programs.access import has_any_capability
from kindred.programs.api_kit import answers, caller
from kindred.programs.permissions import Cap

PREFIX = "directory"
router = Router(tags=["directory"])


class ServicePage(Schema):
    """HSDS 3.0 `Page` of services (the official OpenAPI's paged envelope)."""

    total_items: int = Field(..., description="Services matching the filters.")
    total_pages: int
    page_number: int = Field(..., description="This page, from 1.")
    size: int = Field(..., description="Services on this page.")
    first_page: bool
    last_page: bool
    empty: bool = Field(..., description="True when no service matches.")
    contents: list[dict[str, Any]] = Field(
        ..., description="HSDS 3.0 services with their one-to-one fields (and organization)."
    )


class ServiceFilters(Schema):
    page: int = Field(1, ge=1, le=10_000_000, description="The page, from 1.")
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    search: str = Field(
        "", max_length=200, pattern=r"^[^\x00]*$", description="Words in names or descriptions."
    )
    taxonomy_term_id: uuid.UUID | None = Field(
        None, description="Services with this taxonomy term (Kindred's peer-support terms too)."
    )
    modified_after: str = Field(
        "",
        max_length=40,
        description="Services changed on or after this date or date-time (ISO 8601).",
    )


def _require_directory(request: HttpRequest) -> None:
    if not has_any_capability(caller(request), Cap.DIRECTORY_VIEW):
        raise Http404


@router.get(
    "/services",
    response=answers(ServicePage),
    url_name="service_list",
    summary="Listed services, paged as HSDS 3.0",
)
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    _require_directory(request)
    found = find_services(
        search=filters.search,
        taxonomy_term_id=str(filters.taxonomy_term_id or ""),
        organization_id="",
        modified_after=filters.modified_after,
    )
    result = paginate(
        found.values_list("pk", flat=True),
        page=filters.page,
        per_page=filters.per_page,
        total=found.count(),
    )
    wanted = result["contents"]
    chosen = Service.objects.filter(pk__in=wanted).select_related("organization")
    by_pk = {s.pk: hsds.service_list_json(s) for s in chosen}
    result["contents"] = [by_pk[pk] for pk in wanted if pk in by_pk]
    return result


@router.get(
    "/services/{service_id}",
    response=answers(dict[str, Any]),
    url_name="service_detail",
    summary="A listed service, fully nested as HSDS 3.0 `service`",
)
def service(request: HttpRequest, service_id: uuid.UUID) -> dict[str, Any]:
    _require_directory(request)
    found = hsds.export_services(Service.objects.listed().filter(pk=service_id))
    if not found:
        raise Http404
    return found[0]
