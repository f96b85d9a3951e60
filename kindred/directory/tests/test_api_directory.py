"""`/api/directory/services` (the Kindred JSON API, with a token): HSDS 3.0 paged envelope,
HSDS filters, the fully nested service, and documented 200/400/404 answers."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kindred.apitokens.services import token_create
from kindred.directory import hsds
from kindred.directory.models import Service
from kindred.directory.tests.test_api import PAGE_KEYS


@pytest.fixture
def client_for(world):
    def make(persona: str = "coordinator") -> Client:
        user = world.users[persona]
        programs = [world.program_b if persona == "outsider" else world.program_a]
        _token, secret = token_create(
            user=user, name="test", programs=programs, can_write=False, days=30
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def _names(client: Client, **params) -> list[str]:
    response = client.get("/api/directory/services", params)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["contents"]]


def test_it_pages_services_in_the_hsds_envelope(client_for, directory) -> None:
    api = client_for()
    first = api.get("/api/directory/services", {"per_page": 3}).json()
    assert set(first) == PAGE_KEYS
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (
        4, 2, 1, 3,
    )  # fmt: skip
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    second = api.get("/api/directory/services", {"per_page": 3, "page": 2}).json()
    assert second["size"] == 1 and second["last_page"] and not second["first_page"]
    names = [i["name"] for i in first["contents"] + second["contents"]]
    assert sorted(names) == sorted(s.name for s in Service.objects.listed())
    for item in first["contents"] + second["contents"]:
        assert not hsds.validation_errors("service", item), item["name"]
    beyond = api.get("/api/directory/services", {"per_page": 3, "page": 9}).json()
    assert beyond["contents"] == [] and beyond["size"] == 0 and not beyond["empty"]


def test_it_filters_by_search_term_and_modification(client_for, directory, world) -> None:
    api = client_for()
    assert _names(api, search="Down syndrome") == ["Trisomy 21 Family Circle"]
    term = str(hsds.term_id("kind:online_community"))
    assert _names(api, taxonomy_term_id=term) == ["Heart Moms Online"]
    assert _names(api, taxonomy_term_id="6f1d2a1e-0000-4000-8000-000000000000") == []
    old = timezone.now() - timedelta(days=30)
    Service.objects.exclude(pk=directory["far"].pk).update(last_modified=old)
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert _names(api, modified_after=since) == ["Heart Families of Denver"]
    empty = api.get("/api/directory/services", {"modified_after": "2999-01-01"}).json()
    assert empty["empty"] and empty["total_items"] == 0 and empty["total_pages"] == 1
    # Withdrawn services are not listed.
    directory["far"].transition(to="inactive", by=world.users["curator"])
    assert _names(api, modified_after=since) == []


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": "x"},
        {"per_page": 0},
        {"per_page": 201},
        {"taxonomy_term_id": "not-a-uuid"},
        {"modified_after": "yesterday"},
        {"modified_after": "2026-02-30"},
        {"search": "x" * 201},
    ],
    ids=["page-0", "page-text", "per-page-0", "per-page-large", "term", "when", "bad-day", "long"],
)
def test_it_refuses_bad_parameters_with_400_json(client_for, directory, params) -> None:
    response = client_for().get("/api/directory/services", params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_it_returns_the_fully_nested_hsds_service(client_for, directory, world) -> None:
    api = client_for()
    heart = directory["heart"]
    response = api.get(f"/api/directory/services/{heart.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data == json.loads(
        json.dumps(hsds.export_services(Service.objects.filter(pk=heart.pk))[0])
    )
    assert not hsds.validation_errors("service", data)
    assert data["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Chicago"
    assert {"id", "status", "organization", "phones", "attributes"} <= data.keys()
    heart.transition(to="inactive", by=world.users["curator"])
    gone = api.get(f"/api/directory/services/{heart.pk}")
    assert gone.status_code == 404 and gone.json()["detail"]
    assert api.get("/api/directory/services/not-a-uuid").status_code == 400


def test_it_answers_only_signed_in_members(client_for, directory) -> None:
    assert Client().get("/api/directory/services").status_code == 401
    # The network's directory is every program's: the outsider reads it too.
    assert "Heart Moms Online" in _names(client_for("outsider"))


def test_the_openapi_documents_every_answer(client) -> None:
    spec = client.get("/api/openapi.json").json()
    listing = spec["paths"]["/api/directory/services"]["get"]
    detail = spec["paths"]["/api/directory/services/{service_id}"]["get"]
    for operation in (listing, detail):
        assert {"200", "400", "404"} <= set(operation["responses"])
    parameters = {p["name"] for p in listing["parameters"]}
    assert {"page", "per_page", "search", "taxonomy_term_id", "modified_after"} <= parameters
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    name = page["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][name]["properties"]) == PAGE_KEYS
