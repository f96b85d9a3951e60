"""Every URL as every persona: the permission matrix of docs/permissions.md, asserted."""

import json

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kindred.core.testing.personas import PERSONAS, build_world
from kindred.core.testing.walk import Route
from kindred.lib import extensions

REFUSED_ANONYMOUS = {401, 403, 404}


def walk_modules() -> tuple[extensions.WalkModule, ...]:
    return extensions.walk_modules()


def all_routes() -> list[Route]:
    return [route for module in walk_modules() for route in module.ROUTES]


def named_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            names |= named_urls(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_it_lists_every_url_in_the_walk() -> None:
    walked = {route.name for route in all_routes()}
    missing = sorted(named_urls() - walked)
    assert not missing, (
        f"URLs missing from the permission walk (add them to <app>/tests/walk.py): {missing}"
    )


def is_refused_anonymous(response: object) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    if status == 302:
        return "/accounts/login/" in response["Location"]  # type: ignore[index]
    return status in REFUSED_ANONYMOUS


def body(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[attr-defined]
    return response.content.decode(errors="replace")  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes(), ids=repr)
def test_it_enforces_the_permission_matrix(route: Route) -> None:
    world = build_world()
    for module in walk_modules():
        if hasattr(module, "setup"):
            module.setup(world)
    kwargs = route.kwargs(world) if route.kwargs else {}
    query = route.query_for(world)
    url = reverse(route.name, kwargs=kwargs) + (f"?{query}" if query else "")
    canaries = [world.program_a.name, *world.objects.get("canaries", [])]
    failures = []
    for persona in PERSONAS:
        client = world.client(persona)
        # Each persona meets the world as it was: a write by one does not change the next one's.
        with transaction.atomic():
            if route.method == "GET":
                response = client.get(url)
            else:
                data = route.data(world) if route.data else {}
                if route.content_type == "application/json":
                    response = client.post(url, json.dumps(data), content_type=route.content_type)
                else:
                    response = client.post(url, data)
            content = body(response)
            transaction.set_rollback(True)
        if persona == "outsider":
            leaked = [c for c in canaries if c and c in content]
            if leaked:
                failures.append(f"outsider saw program A data: {leaked}")
        status = response.status_code
        if persona in route.allowed:
            if route.method == "GET" and status not in route.ok_status:
                failures.append(f"{persona} expected {sorted(route.ok_status)}, got {status}")
            elif route.method != "GET" and (status in {401, 403, 404, 405} or status >= 500):
                failures.append(f"{persona} should be allowed, got {status}")
        elif persona == "anonymous":
            if not is_refused_anonymous(response):
                failures.append(f"anonymous should be refused, got {status}")
        elif status != route.refusal(persona):
            failures.append(
                f"{persona} should be refused with {route.refusal(persona)}, got {status}"
            )
    assert not failures, f"{route.method} {url}: " + "; ".join(failures)
