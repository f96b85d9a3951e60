"""The answers of the HSDS API, as its OpenAPI documents them: every status an endpoint gives.

A list answers 200 (the HSDS `Page`, or NDJSON with `format=ndjson`) or 400 (a bad parameter);
a record answers 200 or 404 (unknown, not listed, or an id that is not one). Every refusal is
JSON `{"detail": message}` in the reader's language (`programs.api_kit.install_error_handlers`).
"""

from typing import Any

from ninja import Field, Schema

from kindred.directory.api_query import NDJSON
from kindred.programs.api_kit import ApiError

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


class Page(Schema):
    """HSDS 3.0 `Page` (the official OpenAPI's paged envelope)."""

    total_items: int = Field(..., description="Results matching the filters.")
    total_pages: int
    page_number: int = Field(..., description="This page, from 1.")
    size: int = Field(..., description="Results on this page.")
    first_page: bool
    last_page: bool
    empty: bool = Field(..., description="True when nothing matches.")
    contents: list[dict[str, Any]]


LIST: dict[int, Any] = {200: Page, 400: ApiError}
DETAIL: dict[int, Any] = {200: dict[str, Any], 404: ApiError}
# A record endpoint with query parameters: a bad one is a 400.
DETAIL_WITH_PARAMS: dict[int, Any] = {**DETAIL, 400: ApiError}


def documented(*, list_of: str = "", one: str = "", params: bool = False) -> dict[str, Any]:
    """`openapi_extra` of an operation: which HSDS schema its records follow, and for a list
    the NDJSON form of `format=ndjson`."""
    if one:
        responses: dict[str, Any] = {
            "200": {"description": f"An HSDS 3.0 `{one}` ({SCHEMA_BASE}{one}.json)."},
            "404": {"description": "Unknown, not listed, or not an id."},
        }
        if params:
            responses["400"] = {"description": "A bad parameter (the message says which)."}
        return {"responses": responses}
    return {
        "responses": {
            "200": {
                "description": f"An HSDS 3.0 `Page` of `{list_of}` records ({SCHEMA_BASE}"
                f"{list_of}.json); with `format=ndjson`, every record, one a line.",
                "content": {NDJSON: {"schema": {"type": "string"}}},
            },
            "400": {"description": "A bad parameter (the message says which)."},
        }
    }
