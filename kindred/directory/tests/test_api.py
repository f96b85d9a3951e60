"""The read-only HSDS API: public, paginated exactly as the HSDS OpenAPI's Page describes."""

import json

import pytest
from django.test import Client

from kindred.directory import hsds
from kindred.directory.models import Service
from kindred.directory.tests.factories import make_organization, make_service

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def api() -> Client:
    return Client()


def test_it_describes_itself_as_hsds_3(api, db) -> None:
    data = api.get("/api/hsds/").json()
    assert data["version"] == "3.0" and data["openapi_url"].endswith("/api/hsds/openapi.json")
    spec = api.get("/api/hsds/openapi.json").json()
    assert "/api/hsds/services" in spec["paths"] and "/api/me" not in spec["paths"]


def test_it_paginates_services_as_the_hsds_page_schema(api, directory, hsds_dir) -> None:
    first = api.get("/api/hsds/services", {"per_page": 3}).json()
    assert set(first) == PAGE_KEYS
    assert first["total_items"] == 4 and first["total_pages"] == 2 and first["page_number"] == 1
    assert (
        first["size"] == 3 and first["first_page"] and not first["last_page"] and not first["empty"]
    )
    second = api.get("/api/hsds/services", {"per_page": 3, "page": 2}).json()
    assert second["size"] == 1 and second["last_page"] and not second["first_page"]
    beyond = api.get("/api/hsds/services", {"per_page": 3, "page": 5}).json()
    assert beyond["contents"] == [] and beyond["size"] == 0
    openapi = json.loads((hsds_dir / "schema/openapi.json").read_text())
    assert set(openapi["components"]["schemas"]["Page"]["properties"]) == PAGE_KEYS - {"contents"}
    for item in first["contents"] + second["contents"]:
        assert not hsds.validation_errors("service", item)


def test_it_refuses_bad_paging(api, db) -> None:
    assert api.get("/api/hsds/services", {"page": 0}).status_code == 400
    assert api.get("/api/hsds/services", {"per_page": 100000}).status_code == 400
    assert api.get("/api/hsds/services", {"page": "x"}).status_code == 400


def test_it_filters_services(api, directory) -> None:
    def ids(**params):
        return {item["name"] for item in api.get("/api/hsds/services", params).json()["contents"]}

    assert ids(search="Down syndrome") == {"Trisomy 21 Family Circle"}
    # 40 km around 60614: the Chicago services and the statewide online one.
    assert ids(postcode="60614", proximity="40000") == {
        "Heart Parents Coffee Group", "Trisomy 21 Family Circle", "Heart Moms Online"
    }  # fmt: skip
    assert ids(organization_id=str(directory["org"].pk)) == {s.name for s in Service.objects.all()}
    assert ids(organization_id="6f1d2a1e-0000-4000-8000-000000000000") == set()
    assert ids(modified_after="2999-01-01") == set()
    term = str(hsds.term_id("condition:down_syndrome"))
    assert ids(taxonomy_term_id=term) == {"Trisomy 21 Family Circle"}
    assert api.get("/api/hsds/services", {"modified_after": "yesterday"}).status_code == 400
    assert api.get("/api/hsds/services", {"postcode": "00000"}).status_code == 400


def test_it_returns_a_fully_nested_service_and_404_for_others(api, directory, world) -> None:
    heart = directory["heart"]
    data = api.get(f"/api/hsds/services/{heart.pk}").json()
    assert data["name"] == heart.name and data["service_at_locations"][0]["location"]["addresses"]
    assert not hsds.validation_errors("service", data)
    heart.transition(to="inactive", by=world.users["curator"])
    assert api.get(f"/api/hsds/services/{heart.pk}").status_code == 404
    assert api.get("/api/hsds/services/not-a-uuid").status_code == 404


def test_it_lists_organizations_and_services_at_locations(api, directory, hsds_dir) -> None:
    organizations = api.get("/api/hsds/organizations").json()
    assert organizations["total_items"] == 1
    org_id = organizations["contents"][0]["id"]
    detail = api.get(f"/api/hsds/organizations/{org_id}").json()
    assert len(detail["services"]) == 4 and not hsds.validation_errors(
        "organization", detail | {"services": []}
    )
    sal = api.get(
        "/api/hsds/service_at_locations", {"postcode": "60614", "proximity": "5000"}
    ).json()
    assert set(sal) == PAGE_KEYS and sal["total_items"] == 1
    assert sal["contents"][0]["service"]["name"] == "Heart Parents Coffee Group"
    assert not hsds.validation_errors("service_at_location", sal["contents"][0])


def test_it_answers_the_api_in_a_bounded_number_of_queries(
    api, directory, world, django_assert_max_num_queries
) -> None:
    # 16 services of 4 organizations, each with a location, an address, a phone and languages:
    # a query per service or per nested record would exceed the bounds below many times over.
    for n in range(3):
        org = make_organization(world.org_a, name=f"Parent Network {n}")
        for m in range(4):
            make_service(
                org, by=world.users["curator"], name=f"Group {n}-{m}", languages=("en", "es")
            )
    names = set(Service.objects.values_list("name", flat=True))
    assert len(names) == 16
    with django_assert_max_num_queries(5):
        listed = api.get("/api/hsds/services", {"per_page": 50})
    assert listed.status_code == 200
    page = listed.json()
    assert page["total_items"] == 16 and page["size"] == 16
    assert {item["name"] for item in page["contents"]} == names
    assert {item["organization"]["name"] for item in page["contents"]} >= {"Parent Network 2"}
    with django_assert_max_num_queries(24):
        full = api.get("/api/hsds/services", {"per_page": 50, "full": "true"})
    assert full.status_code == 200
    contents = full.json()["contents"]
    assert {item["name"] for item in contents} == names
    for item in contents:
        assert not hsds.validation_errors("service", item), item["name"]
        if item["name"].startswith("Group "):
            place = item["service_at_locations"][0]["location"]
            assert place["addresses"][0]["postal_code"] == "60614"
            assert {lang["code"] for lang in item["languages"]} == {"en", "es"}
            assert item["phones"][0]["number"] == "312-555-0100"


def test_it_filters_by_an_imported_taxonomy_term(api, world, hsds_dir) -> None:
    from kindred.directory.hsds_import import run_import

    raw = (hsds_dir / "examples/service_full.json").read_bytes()
    assert run_import([("service_full.json", raw)], steward_id=world.org_a.pk).ok
    found = api.get(
        "/api/hsds/services", {"taxonomy_term_id": "3f7b145d-84af-42d7-8fae-eaca714b02b2"}
    ).json()
    assert [item["name"] for item in found["contents"]] == ["Community Counselling"]
    other = api.get(
        "/api/hsds/services", {"taxonomy_term_id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"}
    ).json()
    assert other["empty"] and other["total_items"] == 0
    assert api.get("/api/hsds/services", {"taxonomy_term_id": "nope"}).json()["empty"]
