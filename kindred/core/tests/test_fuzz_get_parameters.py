"""Every GET parameter of every page, export and API answers a 4xx to bad input, never a 5xx
(issue 16). Run on SQLite and on PostgreSQL (`DATABASE_URL=postgres://...`): some failures,
such as a NUL character in a text parameter, exist only on PostgreSQL.

The routes are the permission walk's (each app's `tests/walk.py`). A route's parameters are
the ones its view reads: each route is requested once with a `request.GET` that records the
names asked for (forms bound to it ask for every field), plus the walk's own query and, for
the django-ninja APIs, the query parameters of their OpenAPI schemas. Then each parameter is
sent the values that broke Kindred before (NUL, 9999-12-31, 0000-00-00, huge and negative
numbers) all at once, and Hypothesis draws combinations of those and generated text, numbers
and dates, as each persona allowed to reach the route.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.core.testing.personas import build_world
from kindred.core.testing.walk import Route
from kindred.core.tests.test_permission_walk import all_routes, walk_modules

NASTY = [
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "99999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "1e309",
    "nan",
    "-inf",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "0001-01-01T00:00:00",
    "2026-13-01T25:61:00",
    "10000",
    "٣٤",
    "𝟘",
    "\u202e",
    "' OR '1'='1",
    "%",
    "x" * 5000,
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "",
]
# Each of these, sent to every parameter of every route at once.
SWEEPS = ["\x00", "9999-12-31", "0000-00-00", "99999999999999999999", "-1", "x" * 5000]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(str),
)
EXAMPLES_PER_ROUTE = 6


class RecordingQueryDict(QueryDict):
    """A request's GET that notes every parameter name the code asks for."""

    asked: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)


@contextmanager
def recording_get() -> Iterator[set[str]]:
    asked: set[str] = set()

    def get(request: WSGIRequest) -> QueryDict:
        if "_recording_get" not in request.__dict__:
            query = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
            query.asked = asked
            request.__dict__["_recording_get"] = query
        return request.__dict__["_recording_get"]

    def set_get(request: WSGIRequest, value: QueryDict) -> None:
        request.__dict__["_recording_get"] = value

    with mock.patch.object(WSGIRequest, "GET", property(get, set_get)):
        yield asked


def openapi_parameters() -> list[tuple[re.Pattern[str], list[str]]]:
    from kindred.api import api
    from kindred.directory.api import hsds_api

    found = []
    for ninja_api in (api, hsds_api):
        for path, operations in ninja_api.get_openapi_schema()["paths"].items():
            names = [
                p["name"]
                for p in operations.get("get", {}).get("parameters", [])
                if p["in"] == "query"
            ]
            pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "/?$")
            found.append((pattern, names))
    return found


def get_routes() -> list[Route]:
    return [route for route in all_routes() if route.method == "GET"]


def request_ok(client: Any, url: str, query: dict[str, str]) -> str | None:
    """None, or what went wrong: a 5xx or an exception."""
    with transaction.atomic():
        try:
            response = client.get(url, query)
        except Exception as exc:  # noqa: BLE001 - every kind of crash is the finding
            problem = f"{type(exc).__name__}: {str(exc)[:200]}"
        else:
            problem = f"status {response.status_code}" if response.status_code >= 500 else None
        transaction.set_rollback(True)
    return problem


def fuzz_route(
    clients: dict[str, Any],
    personas: list[str],
    url: str,
    walk_query: dict[str, str],
    names: list[str],
    failures: list[str],
) -> None:
    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        persona=st.sampled_from(personas),
        query=st.dictionaries(st.sampled_from(names), VALUES, min_size=1),
    )
    def fuzz(persona: str, query: dict[str, str]) -> None:
        problem = request_ok(clients[persona], url, {**walk_query, **query})
        if problem:
            shown = {k: v[:20] for k, v in query.items()}
            failures.append(f"{url} as {persona}, {shown!r}: {problem}")

    fuzz()


@pytest.mark.django_db
def test_it_never_answers_5xx_to_any_get_parameter() -> None:
    world = build_world()
    for module in walk_modules():
        if hasattr(module, "setup"):
            module.setup(world)
    clients = {persona: world.client(persona) for persona in world.users} | {
        "anonymous": world.client("anonymous")
    }
    api_parameters = openapi_parameters()
    failures: list[str] = []
    fuzzed = 0
    for route in get_routes():
        personas = sorted(route.allowed)
        if not personas:
            continue
        url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
        walk_query = dict(parse_qsl(route.query_for(world)))
        with recording_get() as asked:
            # "_": a form bound only to a non-empty GET (`Form(request.GET or None)`) asks too.
            request_ok(clients[personas[0]], url, {**walk_query, "_": "1"})
        asked.discard("_")
        names = sorted(
            asked
            | set(walk_query)
            | {n for pattern, ns in api_parameters if pattern.match(url) for n in ns}
        )
        if not names:
            continue
        fuzzed += 1
        for value in SWEEPS:
            problem = request_ok(clients[personas[0]], url, dict.fromkeys(names, value))
            if problem:
                failures.append(
                    f"{url} as {personas[0]}, every parameter={value[:20]!r}: {problem}"
                )

        fuzz_route(clients, personas, url, walk_query, names, failures)
    # The walk lists list pages, exports and APIs with parameters: a sweep that found none
    # would be a broken recorder, not a clean bill.
    assert fuzzed >= 20, fuzzed
    assert not failures, f"{len(failures)} answers of 5xx:\n" + "\n".join(sorted(set(failures)))
