"""Finding services: words with relevance ranking, filters, distance from a ZIP code.

Words use PostgreSQL text search on PostgreSQL (a generated `search_vector` column with a GIN
index, migration 0002: English and Spanish stemming, names weighted over descriptions). On SQLite
(a developer's machine) every word must appear in a name, the words, the conditions or the
description, and a name match ranks first. Distance: a bounding box on the indexed coordinates
first, then the great-circle distance from the ZIP centroid; "virtual or statewide" services are
always eligible and come after the nearby ones.

Precedence before relevance (issue 15): with a condition filter, services for that condition
come before "any condition" ones; services for families before training for volunteers.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from kindred.directory.geo import bounding_box, miles_between, zip_centroid
from kindred.directory.models import Phone, Schedule, Service, ServiceAtLocation
from kindred.lib.languages import related_codes

PAGE_SIZE = 20
FTS_QUERY = "(websearch_to_tsquery('english', %s) || websearch_to_tsquery('spanish', %s))"
TEXT_FIELDS = ("name", "name_es", "populations", "conditions", "description", "description_es")


@dataclass
class SearchQuery:
    words: str = ""
    condition: str = ""
    language: str = ""
    modality: str = ""
    kind: str = ""
    age: int | None = None
    free_only: bool = False
    zip_code: str = ""
    miles: int = 25

    @property
    def is_empty(self) -> bool:
        return (
            not any(
                [self.words, self.condition, self.language, self.modality, self.kind, self.zip_code]
            )
            and self.age is None
            and not self.free_only
        )


@dataclass
class Hit:
    service: Service
    distance: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    center: tuple[float, float] | None = None
    unknown_zip: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def precedence(condition: str) -> Any:
    """0 first: for the condition asked (2 when it serves "any condition"), plus 1 for training
    (for volunteers, not families)."""
    specific: Any = (
        Case(
            When(conditions__contains=f",{condition},", then=Value(0)),
            default=Value(2),
            output_field=IntegerField(),
        )
        if condition
        else Value(0, output_field=IntegerField())
    )
    training = Case(
        When(kind="training", then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return specific + training


def filtered(query: SearchQuery, base: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Every filter except distance, plus a `rank` annotation when there are words and a
    `precedence` one always."""
    qs = base if base is not None else Service.objects.listed()
    qs = qs.annotate(precedence=precedence(query.condition))
    if query.condition:
        qs = qs.filter(
            Q(conditions__contains=f",{query.condition},") | Q(conditions__contains=",any,")
        )
    if query.language:
        # Chinese also finds Cantonese and Mandarin services (lib.languages.related_codes).
        spoken = related_codes(query.language) or {query.language}
        any_of = Q()
        for code in sorted(spoken):
            any_of |= Q(language_codes__contains=f",{code},")
        qs = qs.filter(any_of)
    if query.modality:
        qs = qs.filter(modalities__contains=f",{query.modality},")
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.age is not None:
        qs = qs.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    if query.free_only:
        qs = qs.filter(is_free=True)
    words = query.words.strip()
    if not words:
        return qs
    if uses_postgres():
        params = (words, words)
        return qs.annotate(
            fts_match=RawSQL(  # noqa: S611 - constant SQL, the words are parameters
                f'"directory_service"."search_vector" @@ {FTS_QUERY}',
                params,
                output_field=BooleanField(),
            ),
            rank=RawSQL(  # noqa: S611 - constant SQL, the words are parameters
                f'ts_rank("directory_service"."search_vector", {FTS_QUERY})',
                params,
                output_field=FloatField(),
            ),
        ).filter(fts_match=True)
    return _sqlite_words(qs, words)


def _sqlite_words(qs: QuerySet[Service], words: str) -> QuerySet[Service]:
    rank: Any = Value(0.0)
    for word in words.split()[:8]:
        word = word.strip("\"'.,;:()")
        if len(word) < 2 or word.lower() in {"or", "and", "the", "de", "la", "el", "y"}:
            continue
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(name_es__icontains=word)
            | Q(populations__icontains=word)
            | Q(conditions__icontains=word)
            | Q(description__icontains=word)
            | Q(description_es__icontains=word)
        )
        rank = rank + Case(
            When(Q(name__icontains=word) | Q(name_es__icontains=word), then=Value(1.0)),
            When(Q(populations__icontains=word) | Q(conditions__icontains=word), then=Value(0.6)),
            default=Value(0.2),
            output_field=FloatField(),
        )
    return qs.annotate(rank=rank)


def with_details(qs: QuerySet[Service]) -> QuerySet[Service]:
    """What a result card shows, in a fixed number of queries."""
    return qs.select_related("organization").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses"
            ),
        ),
    )


def _near(qs: QuerySet[Service], center: tuple[float, float], miles: float) -> QuerySet[Service]:
    """Services with a location in the bounding box, or virtual/statewide ones.

    A join, not EXISTS: the values_list that follows reuses it to read each location's
    coordinates, and PostgreSQL plans it cheaply (no JIT compilation, no hashed subplan).
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(center, miles)
    return qs.filter(
        Q(serves_remotely=True)
        | Q(
            service_at_locations__location__latitude__range=(min_lat, max_lat),
            service_at_locations__location__longitude__range=(min_lon, max_lon),
        )
    ).order_by()


def nearby(
    qs: QuerySet[Service], center: tuple[float, float], miles: float, *, with_rank: bool = False
) -> dict[Any, list[Any]]:
    """{pk: [virtual?, name, rank, miles or None, precedence]} in one query, for the
    services of `qs` with a location in the bounding box, or virtual/statewide."""
    fields = ["pk", "serves_remotely", "name", "rank" if with_rank else "pk", "precedence"]
    fields += [
        "service_at_locations__location__latitude",
        "service_at_locations__location__longitude",
    ]
    if "precedence" not in qs.query.annotations:
        qs = qs.annotate(precedence=precedence(""))
    best: dict[Any, list[Any]] = {}
    for pk, remote, name, rank, first, lat, lon in _near(qs, center, miles).values_list(*fields):
        entry = best.setdefault(pk, [remote, name, rank if with_rank else 0.0, None, first])
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        distance = miles_between(center, (lat, lon))
        if entry[3] is None or distance < entry[3]:
            entry[3] = distance
    return best


def search_services(
    query: SearchQuery,
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    base: QuerySet[Service] | None = None,
) -> SearchResult:
    qs = filtered(query, base)
    has_rank = bool(query.words.strip())
    center = zip_centroid(query.zip_code) if query.zip_code else None
    if query.zip_code and center is None:
        return SearchResult(hits=[], total=0, page=1, pages=1, unknown_zip=True)

    if center is None:
        ordering = ["precedence", "-rank", "name"] if has_rank else ["precedence", "name"]
        paginator = Paginator(with_details(qs.order_by(*ordering)), per_page)
        current = paginator.get_page(page)
        return SearchResult(
            hits=[Hit(s) for s in current.object_list],
            total=paginator.count,
            page=current.number,
            pages=paginator.num_pages,
        )

    miles = float(query.miles)
    eligible = []
    found = nearby(qs, center, miles, with_rank=has_rank)
    for pk, (remote, name, rank, distance, first) in found.items():
        if distance is not None and distance <= miles:
            eligible.append((0, first, distance, -rank, name, pk, distance))
        elif remote:
            eligible.append((1, first, 0.0, -rank, name, pk, distance))
    eligible.sort(key=lambda t: t[:5])
    total = len(eligible)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    chunk = eligible[(page - 1) * per_page : page * per_page]
    by_pk = {s.pk: s for s in with_details(Service.objects.filter(pk__in=[c[5] for c in chunk]))}
    hits = [Hit(by_pk[c[5]], c[6]) for c in chunk if c[5] in by_pk]
    return SearchResult(hits=hits, total=total, page=page, pages=pages, center=center)
