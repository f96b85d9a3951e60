"""HSDS API: `/organizations` and `/organizations/{id}`.

An organization is answered while it has a listed service, and lists only its listed services:
each with its one-to-one fields (a valid HSDS `service`), or fully nested with `full_service`.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router

from kindred.directory import hsds
from kindred.directory.api_query import (
    FORMAT,
    PAGE,
    PER_PAGE,
    SEARCH,
    answer,
    check_params,
    is_uuid,
    ordered,
)
from kindred.directory.api_schemas import DETAIL_WITH_PARAMS, LIST, documented
from kindred.directory.models import Organization, Service

router = Router()

FULL_SERVICE = Query(
    False,
    description="Nested organizations whose `services` are fully nested HSDS services (without "
    "it, each service has its one-to-one fields).",
)
FULL = Query(False, description="Fully nested organizations (with their listed services).")


def _listed() -> QuerySet[Organization]:
    return Organization.objects.filter(services__in=Service.objects.listed()).distinct()


def _services_by_organization(pks: list[Any], *, full: bool) -> dict[Any, list[dict[str, Any]]]:
    listed = Service.objects.listed().filter(organization_id__in=pks).order_by("name", "id")
    grouped: dict[Any, list[dict[str, Any]]] = {pk: [] for pk in pks}
    if full:
        for item in hsds.export_services(listed):
            grouped[_key(pks, item["organization_id"])].append(item)
    else:
        for service in listed.select_related("organization"):
            item = hsds.service_list_json(service)
            # The organization is the record around this list: not repeated in each service.
            item.pop("organization", None)
            grouped[service.organization_id].append(item)
    return grouped


def _key(pks: list[Any], value: str) -> Any:
    return next(pk for pk in pks if str(pk) == value)


def render(pks: list[Any], *, nested: bool, full_service: bool) -> list[dict[str, Any]]:
    organizations = Organization.objects.filter(pk__in=pks)
    if nested:
        organizations = organizations.prefetch_related(
            "contacts__phones__languages",
            "phones__languages",
            "locations__languages",
            "locations__addresses",
            "locations__contacts__phones__languages",
            "locations__phones__languages",
            "locations__schedules",
        )
    by_pk = {o.pk: hsds.organization_json(o, nested=nested) for o in organizations}
    if nested:
        services = _services_by_organization(list(by_pk), full=full_service)
        for pk, data in by_pk.items():
            data["services"] = services[pk]
    return ordered(pks, by_pk)


@router.get(
    "/organizations", response=LIST, url_name="organizations",
    summary="Paginated organizations", openapi_extra=documented(list_of="organization"),
)  # fmt: skip
def organizations(
    request: HttpRequest,
    search: str = SEARCH,
    full_service: bool = FULL_SERVICE,
    full: bool = FULL,
    page: int = PAGE,
    per_page: int | None = PER_PAGE,
    format: str = FORMAT,
) -> Any:
    check_params(request, format=format)
    qs = _listed().order_by("name", "id")
    words = search.strip()
    if words:
        qs = qs.filter(Q(name__icontains=words) | Q(description__icontains=words))
    nested = full or full_service

    def draw(pks: list[Any]) -> list[dict[str, Any]]:
        return render(pks, nested=nested, full_service=full_service)

    keys = qs.values_list("pk", flat=True)
    return answer(keys, draw, format=format, page=page, per_page=per_page)


@router.get(
    "/organizations/{id}", response=DETAIL_WITH_PARAMS, url_name="organization",
    summary="A fully nested organization with its services",
    openapi_extra=documented(one="organization", params=True),
)  # fmt: skip
def organization(request: HttpRequest, id: str, full_service: bool = FULL_SERVICE) -> Any:
    check_params(request)
    if not is_uuid(id) or not _listed().filter(pk=id).exists():
        raise Http404
    return render([_listed().get(pk=id).pk], nested=True, full_service=full_service)[0]
