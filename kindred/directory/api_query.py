"""What every endpoint of the HSDS API (`/api/hsds/`) shares: its parameters, paging, NDJSON
streaming and the service filters (also used by `/api/directory/services`).

Parameters are the official HSDS 3.0 OpenAPI's (`standards/hsds-3.0/schema/openapi.json`). A
bad value is a 400 with a message in the reader's language, never a 500: a NUL character in
any parameter (PostgreSQL refuses it in a query), an unknown `format`, a page beyond
`MAX_PAGE`, an impossible date, a postcode with no known centroid, a proximity that is not a
positive number of meters.

`postcode` means the same on every endpoint, as the OpenAPI's `postcode` says ("a point used to
check service coverage"): a result is in coverage when its service serves remotely, or, with
`proximity`, when its location (for a service, one of its locations) lies within `proximity`
meters of the ZIP code's centroid, or, without `proximity`, when a service area of its service
names the ZIP code or its location's address has that ZIP code.
"""

import json
import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError

from kindred.directory import hsds
from kindred.directory.geo import METERS_PER_MILE, miles_between, zip_centroid
from kindred.directory.models import (
    Address,
    Attribute,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from kindred.directory.search import SearchQuery, filtered, nearby

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
# `minimal` aims "to return all services within one call" (HSDS OpenAPI): a larger page.
MAX_MINIMAL_PER_PAGE = 10_000
# Beyond this a page's offset no longer fits every database's integers.
MAX_PAGE = 10_000_000
FORMATS = ("json", "ndjson")
NDJSON = "application/x-ndjson"
STREAM_CHUNK = 200

# The official OpenAPI's descriptions, so Kindred's own OpenAPI documents the same parameters.
SEARCH = Query("", description="Full text search (names and descriptions).", max_length=200)
PAGE = Query(1, description="Page number of paginated result, from 1.")
PER_PAGE = Query(
    None,
    description=f"Results in a single page: 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}; "
    f"with `minimal`, up to {MAX_MINIMAL_PER_PAGE}, the default).",
)
FORMAT = Query(
    "json",
    description="`json` (default, paginated) or `ndjson`: every result, one JSON object a line, "
    f"streamed without pagination (`{NDJSON}`). Any other value is a 400.",
)
TAXONOMY_TERM_ID = Query("", description="Only results with this taxonomy term.")
TAXONOMY_ID = Query("", description="Only results with any term of this taxonomy.")
ORGANIZATION_ID = Query("", description="Only services this organization provides.")
MODIFIED_AFTER = Query(
    "", description="Only results modified on or after this date or date-time (ISO 8601)."
)
FULL = Query(False, description="Fully nested records instead of their one-to-one fields.")
POSTCODE = Query(
    "",
    description="A US ZIP code used to check service coverage: without `proximity`, services "
    "whose service area names it or whose location's address has it, and virtual services; "
    "with `proximity`, see there. Unknown ZIP codes are a 400.",
    max_length=10,
)
PROXIMITY = Query(
    "",
    description="With `postcode`: results whose location lies within this many meters of the "
    "ZIP code's centroid, and virtual services.",
    max_length=20,
)


def check_params(request: HttpRequest, *, format: str | None = None) -> None:
    """Refuse what no database or reader can take: a NUL anywhere, an unknown format."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise HttpError(400, _("Parameters cannot contain NUL characters."))
    if format is not None and format not in FORMATS:
        raise HttpError(400, _("format must be json or ndjson."))


def page_size(per_page: int | None, *, minimal: bool = False) -> int:
    if per_page is None:
        return MAX_MINIMAL_PER_PAGE if minimal else DEFAULT_PER_PAGE
    top = MAX_MINIMAL_PER_PAGE if minimal else MAX_PER_PAGE
    if per_page < 1 or per_page > top:
        raise HttpError(400, _("per_page must be between 1 and %(top)d.") % {"top": top})
    return per_page


def paginate(
    items: Any,
    *,
    page: int,
    per_page: int | None,
    total: int | None = None,
    minimal: bool = False,
) -> dict[str, Any]:
    """The HSDS OpenAPI's `Page` of `items` (anything with len() and slices)."""
    if page < 1 or page > MAX_PAGE:
        raise HttpError(400, _("page must be between 1 and %(top)d.") % {"top": MAX_PAGE})
    size = page_size(per_page, minimal=minimal)
    if total is None:
        total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = max(1, -(-total // size))
    start = (page - 1) * size
    contents = list(items[start : start + size]) if start < total else []
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


class Chain:
    """A fixed list, then a queryset: one sequence to page through (Kindred's own taxonomy
    records, computed, before the imported ones, stored)."""

    def __init__(self, head: Sequence[Any], tail: QuerySet[Any]) -> None:
        self.head, self.tail = head, tail

    def __len__(self) -> int:
        return len(self.head) + self.tail.count()

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = window.start or 0, window.stop
        found = list(self.head[start:stop])
        rest_start = max(0, start - len(self.head))
        rest_stop = stop - len(self.head)
        if rest_stop > rest_start:
            found += list(self.tail[rest_start:rest_stop])
        return found

    def __iter__(self) -> Iterator[Any]:
        yield from self.head
        yield from self.tail.iterator(chunk_size=STREAM_CHUNK)


def ndjson(
    keys: Iterable[Any], render: Callable[[list[Any]], list[dict[str, Any]]]
) -> StreamingHttpResponse:
    """Every result, one JSON object a line, rendered a chunk of keys at a time."""

    def lines() -> Iterator[str]:
        chunk: list[Any] = []
        for key in keys:
            chunk.append(key)
            if len(chunk) == STREAM_CHUNK:
                yield from (_line(item) for item in render(chunk))
                chunk = []
        if chunk:
            yield from (_line(item) for item in render(chunk))

    return StreamingHttpResponse(lines(), content_type=NDJSON)


Render = Callable[[list[Any]], list[dict[str, Any]]]


def answer(
    keys: Any,
    render: Render,
    *,
    format: str,
    page: int,
    per_page: int | None,
    total: int | None = None,
    minimal: bool = False,
) -> Any:
    """A list endpoint's answer from its keys (a list, a queryset of keys or a `Chain`) and the
    function that renders a chunk of them: every item streamed as NDJSON, or one `Page`."""
    if format == "ndjson":
        stream = keys.iterator(chunk_size=STREAM_CHUNK) if isinstance(keys, QuerySet) else keys
        return ndjson(stream, render)
    result = paginate(keys, page=page, per_page=per_page, total=total, minimal=minimal)
    result["contents"] = render(list(result["contents"]))
    return result


def covered_keys(
    qs: QuerySet[Any], postcode: str, proximity: str, covering: Callable[..., list[Any]]
) -> Any:
    """The keys of `qs`, in order: all of them, or with a `postcode` only those in coverage."""
    return covering(qs, postcode, proximity) if postcode else qs.values_list("pk", flat=True)


def _line(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, default=str) + "\n"


def ordered(keys: list[Any], by_key: dict[Any, Any]) -> list[Any]:
    return [by_key[key] for key in keys if key in by_key]


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def modified_since(value: str) -> datetime:
    message = _("modified_after must be a date or date-time (ISO 8601).")
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


def _taxonomy_filter(taxonomy_id: str) -> Q:
    """Every service carries Kindred's peer-support attributes; any other taxonomy is found
    through the imported attributes of its terms."""
    if taxonomy_id == str(hsds.KINDRED_TAXONOMY_ID):
        return Q()
    return Q(
        Exists(
            Attribute.objects.filter(
                link_id=OuterRef("pk"), taxonomy_term__taxonomy_detail_id=uuid.UUID(taxonomy_id)
            )
        )
    )


def find_services(
    *,
    search: str,
    taxonomy_term_id: str,
    organization_id: str,
    modified_after: str,
    taxonomy_id: str = "",
) -> QuerySet[Service]:
    """Listed services (anonymous readers see only these) matching the HSDS filters; an id that
    cannot be one (not a UUID) matches nothing, as an unknown id does."""
    qs = filtered(SearchQuery(words=search), Service.objects.listed())
    for value, condition in (
        (taxonomy_term_id, _term_filter),
        (taxonomy_id, _taxonomy_filter),
        (organization_id, lambda v: Q(organization_id=v)),
    ):
        if value:
            qs = qs.filter(condition(value)) if is_uuid(value) else qs.none()
    if modified_after:
        qs = qs.filter(last_modified__gte=modified_since(modified_after))
    # `rank` is the search annotation of `filtered` (the plugin cannot see it).
    if search.strip():
        return qs.order_by("-rank", "name", "id")  # type: ignore[misc]
    return qs.order_by("name", "id")


def _center_and_miles(postcode: str, proximity: str) -> tuple[tuple[float, float], float | None]:
    center = zip_centroid(postcode)
    if center is None:
        raise HttpError(400, _("Unknown postcode: give a US ZIP code."))
    if not proximity:
        return center, None
    try:
        meters = float(proximity)
    except ValueError:
        meters = math.nan
    if not math.isfinite(meters) or meters <= 0:
        raise HttpError(400, _("proximity must be a positive number of meters."))
    return center, meters / METERS_PER_MILE


def _served_here(service_ids: list[Any], postcode: str) -> set[Any]:
    """Services whose service area names `postcode`."""
    return set(
        ServiceArea.objects.filter(service_id__in=service_ids)
        .filter(
            Q(extent__contains=postcode)
            | Q(name__contains=postcode)
            | Q(description__contains=postcode)
        )
        .values_list("service_id", flat=True)
    )


def services_covering(qs: QuerySet[Service], postcode: str, proximity: str) -> list[Any]:
    """Ids of the services of `qs` in coverage of `postcode` (module docstring), in order."""
    center, miles = _center_and_miles(postcode, proximity)
    if miles is not None:
        found = nearby(qs, center, miles)
        inside = {
            pk
            for pk, (remote, _n, _r, d, _p) in found.items()
            if remote or (d is not None and d <= miles)
        }
    else:
        ids = list(qs.values_list("pk", "serves_remotely"))
        here = set(
            Address.objects.filter(postal_code__startswith=postcode[:5]).values_list(
                "location__service_at_locations__service_id", flat=True
            )
        )
        served = _served_here([pk for pk, _ in ids], postcode)
        inside = {pk for pk, remote in ids if remote or pk in served or pk in here}
    return [pk for pk in qs.values_list("pk", flat=True) if pk in inside]


def links_covering(links: QuerySet[ServiceAtLocation], postcode: str, proximity: str) -> list[Any]:
    """Ids of the services at locations of `links` in coverage of `postcode`, in order."""
    center, miles = _center_and_miles(postcode, proximity)
    rows = list(
        links.values_list(
            "pk", "service_id", "service__serves_remotely", "location__latitude",
            "location__longitude",
        )
    )  # fmt: skip
    if miles is not None:

        def near(lat: Any, lon: Any) -> bool:
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return False
            return miles_between(center, (lat, lon)) <= miles

        return [pk for pk, _s, remote, lat, lon in rows if remote or near(lat, lon)]
    served = _served_here(list({row[1] for row in rows}), postcode)
    here = set(
        Address.objects.filter(postal_code__startswith=postcode[:5]).values_list(
            "location__service_at_locations", flat=True
        )
    )
    return [pk for pk, service, remote, _a, _b in rows if remote or service in served or pk in here]
