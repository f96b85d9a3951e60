"""The access kit for the JSON API (`/api/`): the same scoping as the pages, for app routers.

Every app router (`<app>/api_routes.py`) reads the caller with `caller(request)`, picks its
program with `api_program(request, program_id, capability)` (404 outside the caller's programs,
403 without the capability; with one program the parameter may be left out) and lists with
`PageQuery` and `page_of` — one convention for every endpoint: `?program=<id>&limit=<1..100>&offset=<n>`,
answered as `{"count": n, "items": [...]}`. Errors are JSON `{"detail": message}` in the
caller's language (`kindred/api.py`).

A request made with a personal token carries the person's capabilities cut down to the token's
programs (`apitokens.services.grant_for`), so `capabilities(user)` — and with it every
`ScopedQuerySet.visible_to` — never reaches more than the token and the role both allow.
"""

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kindred.audit.log import record
from kindred.programs.access import capabilities
from kindred.programs.models import Program

MAX_LIMIT = 100
# Ids are positive and fit a 32-bit column on every database (SQLite refuses a larger integer
# with an OverflowError, PostgreSQL with a DataError): larger is a 400, not a 500.
MAX_ID = 2_147_483_647


RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def id_path() -> Any:
    """A record id in the path: 1 to MAX_ID."""
    return Path(..., ge=1, le=MAX_ID)


def caller(request: HttpRequest) -> Any:
    """The person the API's authentication admitted (a token's person, or the session's)."""
    user = request.user
    if not user.is_authenticated:  # the API's auth lets no one else through
        raise HttpError(401, _("Sign in, or send a personal API token."))
    return user


def api_program(request: HttpRequest, program_id: int | None, *wanted: str) -> Program:
    """The program of a list: `program_id`, or the caller's only program holding one of the
    `wanted` capabilities. 404 outside the caller's programs, 403 without any of them."""
    user = caller(request)
    held = capabilities(user)
    if program_id is None:
        candidates = [pid for pid, caps in held.items() if caps & set(wanted)]
        if not candidates:
            raise PermissionDenied
        if len(candidates) > 1:
            raise HttpError(400, _("Say which program: add ?program=<id> (see /api/programs)."))
        program_id = candidates[0]
    if program_id not in held:
        raise Http404
    if not held[program_id] & set(wanted):
        raise PermissionDenied
    program = Program.objects.filter(pk=program_id, is_active=True).first()
    if program is None:
        raise Http404
    return program


class ApiError(Schema):
    detail: str
    errors: list[dict[str, Any]] = []


# Every operation documents the refusals it may answer (schemathesis holds the API to it).
ERRORS: dict[int, Any] = {400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError}


def answers(ok: Any, status: int = 200) -> dict[int, Any]:
    """An operation's `response=`: its answer and every refusal, each documented."""
    return {status: ok, **ERRORS}


def one_of(values: Iterable[str]) -> Any:
    """A type accepting exactly `values`, documented as an inline enum (several models have a
    `Status` class: a shared OpenAPI component name would document one model's values for all)."""
    return Literal[tuple(values)]


class PageQuery(Schema):
    """`limit` (1–100, default 50) and `offset`: the one paging convention of the API."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


def page_of(queryset: models.QuerySet[Any], page: PageQuery) -> dict[str, Any]:
    """`{"count": n, "items": [...]}` of one page (two queries: the count and the page)."""
    count = queryset.count()
    return {"count": count, "items": list(queryset[page.offset : page.offset + page.limit])}


def audited_page(
    request: HttpRequest, program: Program, queryset: models.QuerySet[Any], page: PageQuery
) -> dict[str, Any]:
    """`page_of` for health information: the read audited as the pages audit a list
    (`<app>.<model>.listed`, what was shown and from where)."""
    result = page_of(queryset, page)
    label = queryset.model._meta.label_lower
    record(
        action=f"{label}.listed",
        request=request,
        program=program,
        object_type=label,
        detail={"api": True, "offset": page.offset, "shown": len(result["items"])},
    )
    return result


def install_error_handlers(api: Any) -> None:
    """Every refusal of the API as JSON `{"detail": message}` (and `errors`, field by field, for
    invalid input: 400, never 422), in the caller's language."""

    def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return _error(request, 400, _("Some values are not valid."), errors=errors)

    @api.exception_handler(DjangoValidationError)
    def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors: list[dict[str, Any]]
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": [field], "msg": str(m)}
                for field, ms in exc.message_dict.items()
                for m in ms
            ]
        else:
            errors = [{"loc": [], "msg": str(m)} for m in exc.messages]
        return _error(request, 400, "; ".join(str(e["msg"]) for e in errors), errors=errors)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _error(request, 403, _("Your role does not allow this."))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(
            request, 401, _("Sign in, or send a valid personal API token (it may have expired).")
        )
        response["WWW-Authenticate"] = 'Bearer realm="kindred"'
        return response

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(request, exc.status_code, str(exc))
