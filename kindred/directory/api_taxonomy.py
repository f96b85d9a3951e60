"""HSDS API: `/taxonomies`, `/taxonomies/{id}`, `/taxonomy_terms`, `/taxonomy_terms/{id}`.

Kindred's own "Kindred peer support" taxonomy (fixed UUIDs, `hsds.KINDRED_TAXONOMY`) comes
first, then the taxonomies and terms imported with HSDS data. Taxonomies describe services and
hold nothing about people: every reader sees all of them.
"""

import uuid
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
    TAXONOMY_ID,
    Chain,
    answer,
    check_params,
    is_uuid,
)
from kindred.directory.api_schemas import DETAIL, LIST, documented
from kindred.directory.models import Taxonomy, TaxonomyTerm

router = Router()

TOP_ONLY = Query(
    False,
    description="Only top-level terms (without a parent term). Kindred reads the official "
    "description ('terms that have not child terms') by the parameter's name.",
)
PARENT_ID = Query("", description="Only the terms whose parent term has this id.")


def taxonomy_json(taxonomy: Taxonomy) -> dict[str, Any]:
    return hsds.clean(
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )


def term_json(term: TaxonomyTerm) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "parent_id": term.parent_id,
        "taxonomy": term.taxonomy,
        "language": term.language,
        "term_uri": term.term_uri,
    }
    if term.taxonomy_detail is not None:
        data["taxonomy_detail"] = taxonomy_json(term.taxonomy_detail)
        data["taxonomy_id"] = term.taxonomy_detail_id
    return hsds.clean(data)


def kindred_terms() -> list[dict[str, Any]]:
    """Every term of Kindred's peer-support taxonomy, as the attributes of an export carry it."""
    terms = []
    for tid, code in sorted(hsds.kindred_term_codes().items(), key=lambda pair: pair[1]):
        attribute = hsds.kindred_attribute(hsds.KINDRED_TAXONOMY_ID, "taxonomy", code, "")
        terms.append(attribute["taxonomy_term"] | {"id": tid})
    return terms


def _as_json(item: Any) -> dict[str, Any]:
    if isinstance(item, Taxonomy):
        return taxonomy_json(item)
    if isinstance(item, TaxonomyTerm):
        return term_json(item)
    return item


def _answer(items: Chain, *, format: str, page: int, per_page: int | None) -> Any:
    return answer(
        items,
        lambda chunk: [_as_json(i) for i in chunk],
        format=format,
        page=page,
        per_page=per_page,
    )


def _matches(item: dict[str, Any], words: str) -> bool:
    text = " ".join(str(item.get(k, "")) for k in ("name", "code", "description")).lower()
    return words.lower() in text


@router.get(
    "/taxonomies", response=LIST, url_name="taxonomies", summary="Paginated taxonomies",
    openapi_extra=documented(list_of="taxonomy"),
)  # fmt: skip
def taxonomies(
    request: HttpRequest,
    search: str = SEARCH,
    page: int = PAGE,
    per_page: int | None = PER_PAGE,
    format: str = FORMAT,
) -> Any:
    check_params(request, format=format)
    words = search.strip()
    head = [hsds.KINDRED_TAXONOMY]
    stored: QuerySet[Taxonomy] = Taxonomy.objects.order_by("name", "id")
    if words:
        head = [t for t in head if _matches(t, words)]
        stored = stored.filter(Q(name__icontains=words) | Q(description__icontains=words))
    return _answer(Chain(head, stored), format=format, page=page, per_page=per_page)


@router.get(
    "/taxonomies/{id}", response=DETAIL, url_name="taxonomy", summary="A taxonomy",
    openapi_extra=documented(one="taxonomy"),
)  # fmt: skip
def taxonomy(request: HttpRequest, id: str) -> Any:
    if id == hsds.KINDRED_TAXONOMY["id"]:
        return hsds.KINDRED_TAXONOMY
    found = Taxonomy.objects.filter(pk=id).first() if is_uuid(id) else None
    if found is None:
        raise Http404
    return taxonomy_json(found)


@router.get(
    "/taxonomy_terms", response=LIST, url_name="taxonomy_terms",
    summary="Paginated taxonomy terms", openapi_extra=documented(list_of="taxonomy_term"),
)  # fmt: skip
def taxonomy_terms(
    request: HttpRequest,
    search: str = SEARCH,
    page: int = PAGE,
    per_page: int | None = PER_PAGE,
    format: str = FORMAT,
    taxonomy_id: str = TAXONOMY_ID,
    top_only: bool = TOP_ONLY,
    parent_id: str = PARENT_ID,
) -> Any:
    check_params(request, format=format)
    head = kindred_terms()
    stored = TaxonomyTerm.objects.select_related("taxonomy_detail").order_by("name", "id")
    words = search.strip()
    if words:
        head = [t for t in head if _matches(t, words)]
        stored = stored.filter(
            Q(name__icontains=words) | Q(code__icontains=words) | Q(description__icontains=words)
        )
    if taxonomy_id:
        if taxonomy_id != hsds.KINDRED_TAXONOMY["id"]:
            head = []
        if taxonomy_id == hsds.KINDRED_TAXONOMY["id"] or not is_uuid(taxonomy_id):
            stored = stored.none()
        else:
            stored = stored.filter(taxonomy_detail_id=uuid.UUID(taxonomy_id))
    if top_only:
        stored = stored.filter(parent_id__isnull=True)
    if parent_id:
        head = []  # Kindred's terms are all top-level
        stored = stored.filter(parent_id=parent_id) if is_uuid(parent_id) else stored.none()
    return _answer(Chain(head, stored), format=format, page=page, per_page=per_page)


@router.get(
    "/taxonomy_terms/{id}", response=DETAIL, url_name="taxonomy_term",
    summary="A taxonomy term", openapi_extra=documented(one="taxonomy_term"),
)  # fmt: skip
def taxonomy_term(request: HttpRequest, id: str) -> Any:
    if id in hsds.kindred_term_codes():
        return next(term for term in kindred_terms() if term["id"] == id)
    found = (
        TaxonomyTerm.objects.select_related("taxonomy_detail").filter(pk=id).first()
        if is_uuid(id)
        else None
    )
    if found is None:
        raise Http404
    return term_json(found)
