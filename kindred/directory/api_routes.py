"""`/api/directory/services`: the listed services of the peer support directory (read only).

The directory is shared by the network, not one program's: any signed-in member of a program
with the directory reads what families may find. The full HSDS 3.0 records are at `/api/hsds/`.
"""

import uuid
from datetime import datetime

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kindred.directory.models import Service
from kindred.programs.access import has_any_capability
from kindred.programs.api_kit import PageQuery, answers, caller, page_of
from kindred.programs.permissions import Cap

PREFIX = "directory"
router = Router(tags=["directory"])


class ServiceOut(Schema):
    id: uuid.UUID
    name: str
    name_es: str
    organization: str = Field(..., alias="organization.name")
    description: str
    url: str
    email: str
    is_free: bool
    minimum_age: int | None
    maximum_age: int | None
    last_modified: datetime


class ServicePage(Schema):
    count: int
    items: list[ServiceOut]


class ServiceFilters(PageQuery):
    q: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


def _require_directory(request: HttpRequest) -> None:
    if not has_any_capability(caller(request), Cap.DIRECTORY_VIEW):
        raise Http404


@router.get("/services", response=answers(ServicePage), url_name="service_list")
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict:
    _require_directory(request)
    found = Service.objects.listed().select_related("organization")
    if filters.q.strip():
        words = filters.q.strip()
        found = found.filter(
            Q(name__icontains=words) | Q(name_es__icontains=words) | Q(description__icontains=words)
        )
    return page_of(found.order_by("name", "id"), filters)


@router.get("/services/{service_id}", response=answers(ServiceOut), url_name="service_detail")
def service(request: HttpRequest, service_id: uuid.UUID) -> Service:
    _require_directory(request)
    found = Service.objects.listed().select_related("organization").filter(pk=service_id).first()
    if found is None:
        raise Http404
    return found
