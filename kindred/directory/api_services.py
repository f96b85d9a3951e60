"""HSDS API: `/services`, `/services/{id}`, `/service_at_locations`, `/service_at_locations/{id}`.

Only listed services (and their services at locations) are answered: what families may find.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from kindred.directory import hsds
from kindred.directory.api_query import (
    FORMAT,
    FULL,
    MODIFIED_AFTER,
    ORGANIZATION_ID,
    PAGE,
    PER_PAGE,
    POSTCODE,
    PROXIMITY,
    SEARCH,
    TAXONOMY_ID,
    TAXONOMY_TERM_ID,
    answer,
    check_params,
    covered_keys,
    find_services,
    is_uuid,
    links_covering,
    ordered,
    services_covering,
)
from kindred.directory.api_schemas import DETAIL, LIST, documented
from kindred.directory.models import Service, ServiceAtLocation

router = Router()


def _minimal(pks: list[Any]) -> list[dict[str, Any]]:
    rows = Service.objects.filter(pk__in=pks).values_list("pk", "last_modified")
    by_pk = {pk: hsds.clean({"id": pk, "last_modified": at}) for pk, at in rows}
    return ordered(pks, by_pk)


def _listed(pks: list[Any]) -> list[dict[str, Any]]:
    chosen = Service.objects.filter(pk__in=pks).select_related("organization")
    return ordered(pks, {s.pk: hsds.service_list_json(s) for s in chosen})


def _nested(pks: list[Any]) -> list[dict[str, Any]]:
    found = hsds.export_services(Service.objects.filter(pk__in=pks))
    return ordered([str(pk) for pk in pks], {item["id"]: item for item in found})


MINIMAL = Query(
    False,
    description="Only each service's `id` and `last_modified` (the HSDS field the OpenAPI calls "
    "'modified_date'), all on one page by default.",
)


@router.get(
    "/services", response=LIST, url_name="services", summary="Paginated services",
    openapi_extra=documented(list_of="service"),
)  # fmt: skip
def services(
    request: HttpRequest,
    search: str = SEARCH,
    page: int = PAGE,
    per_page: int | None = PER_PAGE,
    format: str = FORMAT,
    taxonomy_term_id: str = TAXONOMY_TERM_ID,
    taxonomy_id: str = TAXONOMY_ID,
    organization_id: str = ORGANIZATION_ID,
    modified_after: str = MODIFIED_AFTER,
    minimal: bool = MINIMAL,
    full: bool = FULL,
    postcode: str = POSTCODE,
    proximity: str = PROXIMITY,
) -> Any:
    check_params(request, format=format)
    qs = find_services(
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        modified_after=modified_after,
    )
    keys = covered_keys(qs, postcode, proximity, services_covering)
    render = _minimal if minimal else _nested if full else _listed
    return answer(keys, render, format=format, page=page, per_page=per_page, minimal=minimal)


@router.get(
    "/services/{id}", response=DETAIL, url_name="service", summary="A fully nested service",
    openapi_extra=documented(one="service"),
)  # fmt: skip
def service(request: HttpRequest, id: str) -> dict[str, Any]:
    if not is_uuid(id):
        raise Http404
    data = hsds.export_services(Service.objects.listed().filter(pk=id))
    if not data:
        raise Http404
    return data[0]


def _links_listed(pks: list[Any]) -> list[dict[str, Any]]:
    rows = ServiceAtLocation.objects.filter(pk__in=pks).select_related(
        "location", "service", "service__organization"
    )
    return ordered(pks, {row.pk: hsds.service_at_location_list_json(row) for row in rows})


def _links_nested(pks: list[Any]) -> list[dict[str, Any]]:
    rows = list(ServiceAtLocation.objects.filter(pk__in=pks).only("pk", "service_id"))
    services = {
        item["id"]: item
        for item in hsds.export_services(
            Service.objects.filter(pk__in={r.service_id for r in rows})
        )
    }
    by_pk = {}
    for row in rows:
        nested = services[str(row.service_id)]
        for link in nested.get("service_at_locations", []):
            if link["id"] == str(row.pk):
                rest = {k: v for k, v in nested.items() if k != "service_at_locations"}
                by_pk[row.pk] = link | {"service": rest}
    return ordered(pks, by_pk)


@router.get(
    "/service_at_locations", response=LIST, url_name="service_at_locations",
    summary="Paginated services at locations",
    openapi_extra=documented(list_of="service_at_location"),
)  # fmt: skip
def service_at_locations(
    request: HttpRequest,
    search: str = SEARCH,
    taxonomy_term_id: str = TAXONOMY_TERM_ID,
    taxonomy_id: str = TAXONOMY_ID,
    organization_id: str = ORGANIZATION_ID,
    modified_after: str = MODIFIED_AFTER,
    full: bool = FULL,
    page: int = PAGE,
    per_page: int | None = PER_PAGE,
    format: str = FORMAT,
    postcode: str = POSTCODE,
    proximity: str = PROXIMITY,
) -> Any:
    check_params(request, format=format)
    services_qs = find_services(
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        modified_after=modified_after,
    )
    links = ServiceAtLocation.objects.filter(service__in=services_qs.values("pk")).order_by(
        "service__name", "id"
    )
    keys = covered_keys(links, postcode, proximity, links_covering)
    render = _links_nested if full else _links_listed
    return answer(keys, render, format=format, page=page, per_page=per_page)


@router.get(
    "/service_at_locations/{id}", response=DETAIL, url_name="service_at_location",
    summary="A fully nested service at a location",
    openapi_extra=documented(one="service_at_location"),
)  # fmt: skip
def service_at_location(request: HttpRequest, id: str) -> Any:
    if not is_uuid(id):
        raise Http404
    found = ServiceAtLocation.objects.filter(pk=id, service__in=Service.objects.listed()).first()
    if found is None:
        raise Http404
    return _links_nested([found.pk])[0]
