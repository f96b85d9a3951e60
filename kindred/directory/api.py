"""The read-only HSDS 3.0 API under /api/hsds/ (public: the directory holds no health information).

Its own NinjaAPI (own OpenAPI at /api/hsds/openapi.json). Lists are paginated as the HSDS
OpenAPI's `Page` describes: total_items, total_pages, page_number (from 1), size (entities on
this page), first_page, last_page, empty, contents. `proximity` is in meters, from the centroid
of `postcode`, as HSDS says.
"""

import uuid
from datetime import UTC, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from kindred.directory import hsds
from kindred.directory.geo import METERS_PER_MILE, zip_centroid
from kindred.directory.models import (
    Address,
    Attribute,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from kindred.directory.search import SearchQuery, filtered, nearby

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50

hsds_api = NinjaAPI(
    title="Kindred peer support directory (HSDS 3.0)",
    version="3.0",
    description="Open Referral HSDS 3.0 read-only API of Kindred's peer support directory.",
    urls_namespace="hsds",
    docs_url="/docs",
)


class Page(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


class ApiInfo(Schema):
    version: str
    profile: str
    openapi_url: str


def paginate(items: Any, *, page: int, per_page: int, total: int | None = None) -> dict[str, Any]:
    if page < 1:
        raise HttpError(400, "page starts at 1")
    if per_page < 1 or per_page > MAX_PER_PAGE:
        raise HttpError(400, f"per_page must be between 1 and {MAX_PER_PAGE}")
    total = len(items) if total is None else total
    total_pages = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    contents = list(items[start : start + per_page]) if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


def _modified_after(value: str) -> datetime:
    message = "modified_after must be a date or date-time (ISO 8601)"
    try:
        # parse_* raise ValueError for a well-shaped impossible value (2026-02-30).
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                raise HttpError(400, message)
            parsed = datetime.combine(day, time.min)
    except ValueError:
        raise HttpError(400, message) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _term_filter(term_id: str) -> Q:
    """A Kindred peer-support term maps to its field; any other term to HSDS attributes."""
    code = hsds.kindred_term_codes().get(term_id)
    if code:
        group, value = code.split(":", 1)
        field = {
            "kind": "kind",
            "condition": "conditions",
            "modality": "modalities",
            "referrer": "referred_by",
        }.get(group)
        if field == "kind":
            return Q(kind=value)
        if field:
            return Q(**{f"{field}__contains": f",{value},"})
        return Q(pk__in=[])
    # The caller checked that term_id is a UUID.
    return Q(
        Exists(
            Attribute.objects.filter(link_id=OuterRef("pk"), taxonomy_term_id=uuid.UUID(term_id))
        )
    )


def find_services(
    *, search: str, taxonomy_term_id: str, organization_id: str, modified_after: str
) -> QuerySet[Service]:
    qs = filtered(SearchQuery(words=search), Service.objects.listed())
    if taxonomy_term_id:
        qs = qs.filter(_term_filter(taxonomy_term_id)) if _is_uuid(taxonomy_term_id) else qs.none()
    if organization_id:
        qs = qs.filter(organization_id=organization_id) if _is_uuid(organization_id) else qs.none()
    if modified_after:
        qs = qs.filter(last_modified__gte=_modified_after(modified_after))
    # `rank` is the search annotation of `filtered` (the plugin cannot see it).
    if search.strip():
        return qs.order_by("-rank", "name", "id")  # type: ignore[misc]
    return qs.order_by("name", "id")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _within(qs: QuerySet[Service], postcode: str, proximity: str) -> list[Any]:
    """Service ids in coverage of `postcode`: within `proximity` meters, or serving its area."""
    center = zip_centroid(postcode)
    if center is None:
        raise HttpError(400, "unknown postcode")
    if proximity:
        try:
            meters = float(proximity)
        except ValueError:
            raise HttpError(400, "proximity must be a number of meters") from None
        miles = meters / METERS_PER_MILE
        found = nearby(qs, center, miles)
        return [
            pk
            for pk, (remote, _n, _r, d, _p) in found.items()
            if remote or (d is not None and d <= miles)
        ]
    ids = list(qs.values_list("pk", "serves_remotely"))
    served = set(
        ServiceArea.objects.filter(service_id__in=[pk for pk, _ in ids])
        .filter(
            Q(extent__contains=postcode)
            | Q(name__contains=postcode)
            | Q(description__contains=postcode)
        )
        .values_list("service_id", flat=True)
    )
    here = set(
        Address.objects.filter(postal_code__startswith=postcode[:5]).values_list(
            "location__service_at_locations__service_id", flat=True
        )
    )
    return [pk for pk, remote in ids if remote or pk in served or pk in here]


@hsds_api.get("/", response=ApiInfo, url_name="root", summary="Information about this API")
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "version": hsds.HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


@hsds_api.get("/services", response=Page, url_name="services", summary="Paginated services")
def services(
    request: HttpRequest,
    search: str = "",
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    taxonomy_term_id: str = "",
    organization_id: str = "",
    modified_after: str = "",
    postcode: str = "",
    proximity: str = "",
    full: bool = False,
) -> dict[str, Any]:
    qs = find_services(
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        organization_id=organization_id,
        modified_after=modified_after,
    )
    if postcode:
        ids = _within(qs, postcode, proximity)
        order = {pk: i for i, pk in enumerate(qs.filter(pk__in=ids).values_list("pk", flat=True))}
        ordered = sorted(order, key=order.__getitem__)
        result = paginate(ordered, page=page, per_page=per_page)
        chosen = Service.objects.filter(pk__in=result["contents"]).select_related("organization")
    else:
        total = qs.count()
        result = paginate(
            qs.values_list("pk", flat=True), page=page, per_page=per_page, total=total
        )
        chosen = Service.objects.filter(pk__in=result["contents"]).select_related("organization")
    wanted = result["contents"]
    if full:
        by_pk = {item["id"]: item for item in hsds.export_services(chosen)}
    else:
        by_pk = {str(s.pk): hsds.service_list_json(s) for s in chosen}
    result["contents"] = [by_pk[str(pk)] for pk in wanted if str(pk) in by_pk]
    return result


@hsds_api.get("/services/{id}", response=dict, url_name="service", summary="A fully nested service")
def service(request: HttpRequest, id: str) -> dict[str, Any]:
    if not _is_uuid(id):
        raise Http404
    data = hsds.export_services(Service.objects.listed().filter(pk=id))
    if not data:
        raise Http404
    return data[0]


@hsds_api.get(
    "/organizations", response=Page, url_name="organizations", summary="Paginated organizations"
)
def organizations(
    request: HttpRequest,
    search: str = "",
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    full: bool = False,
) -> dict[str, Any]:
    qs = (
        Organization.objects.filter(services__status=ServiceStatus.ACTIVE)
        .distinct()
        .order_by("name", "id")
    )
    if search.strip():
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(description__icontains=search.strip()))
    total = qs.count()
    result = paginate(qs, page=page, per_page=per_page, total=total)
    if full:
        result["contents"] = [_organization_full(o) for o in result["contents"]]
    else:
        result["contents"] = [hsds.organization_json(o, nested=False) for o in result["contents"]]
    return result


def _organization_full(organization: Organization) -> dict[str, Any]:
    data = hsds.organization_json(organization, nested=True)
    data["services"] = [
        {"id": str(pk), "name": name}
        for pk, name in organization.services.filter(status=ServiceStatus.ACTIVE).values_list(
            "pk", "name"
        )
    ]
    return data


@hsds_api.get(
    "/organizations/{id}", response=dict, url_name="organization", summary="An organization"
)
def organization(request: HttpRequest, id: str, full_service: bool = False) -> dict[str, Any]:
    if not _is_uuid(id):
        raise Http404
    found = (
        Organization.objects.filter(pk=id, services__status=ServiceStatus.ACTIVE).distinct().first()
    )
    if found is None:
        raise Http404
    data = hsds.organization_json(found, nested=True)
    listed = found.services.filter(status=ServiceStatus.ACTIVE)
    if full_service:
        data["services"] = hsds.export_services(listed)
    else:
        data["services"] = [
            {"id": str(pk), "name": name} for pk, name in listed.values_list("pk", "name")
        ]
    return data


@hsds_api.get(
    "/service_at_locations", response=Page, url_name="service_at_locations",
    summary="Paginated services at locations",
)  # fmt: skip
def service_at_locations(
    request: HttpRequest,
    search: str = "",
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    taxonomy_term_id: str = "",
    organization_id: str = "",
    modified_after: str = "",
    postcode: str = "",
    proximity: str = "",
) -> dict[str, Any]:
    services_qs = find_services(
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        organization_id=organization_id,
        modified_after=modified_after,
    )
    links = ServiceAtLocation.objects.filter(service__in=services_qs.values("pk"))
    if postcode:
        center = zip_centroid(postcode)
        if center is None:
            raise HttpError(400, "unknown postcode")
        candidates = list(
            links.values_list("pk", "location__latitude", "location__longitude").order_by(
                "service__name", "id"
            )
        )
        if proximity:
            try:
                miles = float(proximity) / METERS_PER_MILE
            except ValueError:
                raise HttpError(400, "proximity must be a number of meters") from None
        else:
            miles = 25.0
        from kindred.directory.geo import miles_between

        ids = [
            pk
            for pk, lat, lon in candidates
            if lat is not None
            and lon is not None
            and -90 <= lat <= 90
            and -180 <= lon <= 180
            and miles_between(center, (lat, lon)) <= miles
        ]
        result = paginate(ids, page=page, per_page=per_page)
    else:
        ordered = links.order_by("service__name", "id")
        result = paginate(
            ordered.values_list("pk", flat=True),
            page=page,
            per_page=per_page,
            total=ordered.count(),
        )
    wanted = list(result["contents"])
    rows = ServiceAtLocation.objects.filter(pk__in=wanted).select_related(
        "location", "service", "service__organization"
    )
    by_pk = {row.pk: hsds.service_at_location_list_json(row) for row in rows}
    result["contents"] = [by_pk[pk] for pk in wanted if pk in by_pk]
    return result
