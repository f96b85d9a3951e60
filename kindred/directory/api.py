"""The read-only HSDS 3.0 API under /api/hsds/ (public: the directory holds no health information).

Its own NinjaAPI (own OpenAPI at /api/hsds/openapi.json), with the 11 endpoints of the official
HSDS 3.0 OpenAPI and every parameter it documents (`api_query`). Lists are paginated as its
`Page` describes: total_items, total_pages, page_number (from 1), size (entities on this page),
first_page, last_page, empty, contents; `format=ndjson` streams every result instead. Errors
are JSON `{"detail": message}` in the reader's language, a bad parameter a 400 (never a 500).
"""

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Schema

from kindred.directory import api_organizations, api_services, api_taxonomy, hsds
from kindred.programs.api_kit import install_error_handlers

hsds_api = NinjaAPI(
    title="Kindred peer support directory (HSDS 3.0)",
    version="3.0",
    description="Open Referral HSDS 3.0 read-only API of Kindred's peer support directory.",
    urls_namespace="hsds",
    docs_url="/docs",
)
install_error_handlers(hsds_api)


class ApiInfo(Schema):
    version: str
    profile: str
    openapi_url: str


@hsds_api.get("/", response=ApiInfo, url_name="root", summary="Information about this API")
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "version": hsds.HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


for _module in (api_services, api_organizations, api_taxonomy):
    hsds_api.add_router("", _module.router)
