"""The HSDS API has all 11 endpoints and every parameter of the official HSDS 3.0 OpenAPI, each
answer valid against the official schemas, and refuses a bad parameter with a 4xx."""

import json
from typing import Any

import pytest
from django.test import Client

from kindred.directory import hsds
from kindred.directory.hsds_import import run_import
from kindred.directory.models import Service, ServiceAtLocation

OFFICIAL_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
OFFICIAL_TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
OFFICIAL_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def imported(world: Any, directory: dict[str, Any], hsds_dir: Any) -> dict[str, Any]:
    """The demo-like directory plus the official full service (with its taxonomy and term)."""
    raw = (hsds_dir / "examples/service_full.json").read_bytes()
    report = run_import([("service_full.json", raw)], steward_id=world.org_a.pk)
    assert report.ok, [str(e) for e in report.errors]
    return directory


def _get(api: Client, path: str, **params: Any) -> Any:
    response = api.get(f"/api/hsds{path}", params)
    assert response.status_code == 200, (path, response.content[:300])
    return response.json()


def _valid(name: str, item: dict[str, Any]) -> None:
    assert not hsds.validation_errors(name, item), (name, hsds.validation_errors(name, item))


def test_it_answers_every_endpoint_of_the_official_openapi(api, imported, hsds_dir) -> None:
    official = json.loads((hsds_dir / "schema/openapi.json").read_text())
    ours = api.get("/api/hsds/openapi.json").json()["paths"]
    assert {f"/api/hsds{p}".rstrip("/") for p in official["paths"]} <= {p.rstrip("/") for p in ours}
    assert len(official["paths"]) == 11


def test_the_new_record_endpoints_answer_valid_hsds(api, imported) -> None:
    heart = imported["heart"]
    link = ServiceAtLocation.objects.filter(service=heart).first()
    sal = _get(api, f"/service_at_locations/{link.pk}")
    _valid("service_at_location", sal)
    assert sal["location"]["addresses"][0]["postal_code"] == "60614"
    assert sal["service"]["name"] == heart.name
    _valid("service", sal["service"])
    kindred = _get(api, f"/taxonomies/{hsds.KINDRED_TAXONOMY_ID}")
    _valid("taxonomy", kindred)
    official = _get(api, f"/taxonomies/{OFFICIAL_TAXONOMY}")
    _valid("taxonomy", official)
    term = _get(api, f"/taxonomy_terms/{OFFICIAL_TERM}")
    _valid("taxonomy_term", term)
    assert term["taxonomy_id"] == OFFICIAL_TAXONOMY
    ours = _get(api, f"/taxonomy_terms/{hsds.term_id('condition:heart')}")
    _valid("taxonomy_term", ours)
    assert ours["code"] == "condition:heart"
    for path in (
        "/service_at_locations/not-a-uuid",
        f"/service_at_locations/{heart.pk}",  # a service's id is not a link's
        "/taxonomies/0bc248fa-dc27-4650-9ba4-8f1a24ef16a2",
        "/taxonomy_terms/nope",
    ):
        response = api.get(f"/api/hsds{path}")
        assert response.status_code == 404 and response.json()["detail"], path


def test_the_new_lists_page_and_filter_taxonomies(api, imported) -> None:
    taxonomies = _get(api, "/taxonomies")
    assert [t["id"] for t in taxonomies["contents"]] == [
        str(hsds.KINDRED_TAXONOMY_ID), OFFICIAL_TAXONOMY
    ]  # fmt: skip
    for item in taxonomies["contents"]:
        _valid("taxonomy", item)
    assert _get(api, "/taxonomies", search="peer support")["total_items"] == 1
    terms = _get(api, "/taxonomy_terms", per_page=200)
    total = len(hsds.kindred_term_codes()) + 1
    assert terms["total_items"] == total and terms["size"] == total
    for item in terms["contents"]:
        _valid("taxonomy_term", item)
    # Paging crosses from Kindred's own terms to the imported one.
    last = _get(api, "/taxonomy_terms", per_page=total - 1, page=2)
    assert [t["id"] for t in last["contents"]] == [OFFICIAL_TERM] and last["last_page"]
    only = _get(api, "/taxonomy_terms", taxonomy_id=OFFICIAL_TAXONOMY)
    assert [t["id"] for t in only["contents"]] == [OFFICIAL_TERM]
    mine = _get(api, "/taxonomy_terms", taxonomy_id=str(hsds.KINDRED_TAXONOMY_ID))
    assert mine["total_items"] == total - 1
    # The official term has a parent: not top-level, and found under its parent.
    assert _get(api, "/taxonomy_terms", top_only="true")["total_items"] == total - 1
    child = _get(api, "/taxonomy_terms", parent_id="0bc248fa-dc27-4650-9ba4-8f1a24ef16a2")
    assert [t["id"] for t in child["contents"]] == [OFFICIAL_TERM]
    assert _get(api, "/taxonomy_terms", search="down syndrome")["total_items"] == 1


def test_it_filters_services_and_links_by_taxonomy(api, imported) -> None:
    def names(path: str, **params: Any) -> set[str]:
        page = _get(api, path, per_page=200, **params)
        return {item.get("name") or item["service"]["name"] for item in page["contents"]}

    listed = set(Service.objects.listed().values_list("name", flat=True))
    assert names("/services", taxonomy_id=OFFICIAL_TAXONOMY) == {"Community Counselling"}
    assert names("/services", taxonomy_id=str(hsds.KINDRED_TAXONOMY_ID)) == listed
    assert names("/services", taxonomy_id="nope") == set()
    assert names("/service_at_locations", taxonomy_id=OFFICIAL_TAXONOMY) == {
        "Community Counselling"
    }
    assert names("/service_at_locations", taxonomy_term_id=OFFICIAL_TERM) == {
        "Community Counselling"
    }


def test_minimal_gives_ids_and_modification_times_on_one_page(api, imported) -> None:
    page = _get(api, "/services", minimal="true")
    assert page["total_items"] == Service.objects.listed().count() == page["size"]
    assert all(set(item) == {"id", "last_modified"} for item in page["contents"])
    assert _get(api, "/services", minimal="true", per_page=2)["size"] == 2
    assert api.get("/api/hsds/services", {"minimal": "true", "per_page": 10001}).status_code == 400


def test_full_nests_links_and_organizations_services(api, imported) -> None:
    links = _get(api, "/service_at_locations", full="true")
    assert links["contents"]
    for item in links["contents"]:
        _valid("service_at_location", item)
        assert "location" in item and "service" in item
    org_id = str(imported["org"].pk)
    detail = _get(api, f"/organizations/{org_id}")
    _valid("organization", detail)
    assert len(detail["services"]) == 4
    for service in detail["services"]:
        _valid("service", service)
        assert service["status"] == "active"
    nested = _get(api, f"/organizations/{org_id}", full_service="true")
    _valid("organization", nested)
    assert all(
        "service_at_locations" in s for s in nested["services"] if s["name"] != "Heart Moms Online"
    )
    listing = _get(api, "/organizations", full_service="true")
    for organization in listing["contents"]:
        _valid("organization", organization)
        for service in organization["services"]:
            _valid("service", service)
    plain = _get(api, "/organizations")
    assert all("services" not in o for o in plain["contents"])
    assert all(o["services"] for o in _get(api, "/organizations", full="true")["contents"])


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/services", "service"),
        ("/service_at_locations", "service_at_location"),
        ("/organizations", "organization"),
        ("/taxonomies", "taxonomy"),
        ("/taxonomy_terms", "taxonomy_term"),
    ],
)
def test_ndjson_streams_every_record_without_pages(api, imported, path, schema) -> None:
    total = _get(api, path, per_page=1)["total_items"]
    assert total > 1
    response = api.get(f"/api/hsds{path}", {"format": "ndjson", "per_page": 1})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == total
    for line in lines:
        _valid(schema, json.loads(line))


def test_postcode_means_coverage_on_every_endpoint(api, imported) -> None:
    def services(path: str, **params: Any) -> set[str]:
        page = _get(api, path, per_page=200, **params)
        return {item.get("service", item)["name"] for item in page["contents"]}

    # Alone: services whose address has the ZIP code (or whose area names it), and virtual ones.
    alone = services("/services", postcode="60614")
    assert "Heart Parents Coffee Group" in alone and "Heart Families of Denver" not in alone
    with_links = {s for s in alone if ServiceAtLocation.objects.filter(service__name=s).exists()}
    assert services("/service_at_locations", postcode="60614") == with_links
    # With proximity (meters): within that distance of the ZIP code's centroid, on both.
    near = services("/services", postcode="60614", proximity="40000")
    assert "Trisomy 21 Family Circle" in near and "Heart Families of Denver" not in near
    linked = {s for s in near if ServiceAtLocation.objects.filter(service__name=s).exists()}
    assert services("/service_at_locations", postcode="60614", proximity="40000") == linked


def test_it_answers_only_listed_services(api, imported, world) -> None:
    heart = imported["heart"]
    link = ServiceAtLocation.objects.filter(service=heart).first()
    heart.transition(to="inactive", by=world.users["curator"])
    assert api.get(f"/api/hsds/service_at_locations/{link.pk}").status_code == 404
    ndjson = api.get("/api/hsds/service_at_locations", {"format": "ndjson"})
    assert str(link.pk) not in b"".join(ndjson.streaming_content).decode()
    detail = _get(api, f"/organizations/{imported['org'].pk}")
    assert heart.name not in {s["name"] for s in detail["services"]}


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
def test_an_unknown_format_is_refused_in_english_and_spanish(api, db, path) -> None:
    response = api.get(f"/api/hsds{path}", {"format": "xml"})
    assert response.status_code == 400
    assert response.json()["detail"] == "format must be json or ndjson."
    spanish = api.get(f"/api/hsds{path}", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 400
    assert spanish.json()["detail"] == "format debe ser json o ndjson."


BAD = [
    {"search": "heart\x00"},
    {"search": "x" * 201},
    {"taxonomy_id": "\x00"},
    {"parent_id": "a\x00b"},
    {"postcode": "606\x0014"},
    {"postcode": "00000"},
    {"postcode": "60614", "proximity": "nan"},
    {"postcode": "60614", "proximity": "-5"},
    {"postcode": "60614", "proximity": "1e999"},
    {"modified_after": "2026-02-30"},
    {"page": "0"},
    {"page": str(10**30)},
    {"per_page": "0"},
    {"per_page": "201"},
    {"minimal": "maybe"},
    {"full": "\x00"},
    {"format": "ndjson\x00"},
]


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
def test_a_bad_parameter_is_a_4xx_never_a_500(api, imported, path) -> None:
    for params in BAD:
        response = api.get(f"/api/hsds{path}", params)
        # A parameter an endpoint does not take is ignored, unless no database could read it.
        assert response.status_code in {200, 400}, (path, params, response.content[:200])
        if "\x00" in "".join(params.values()):
            assert response.status_code == 400, (path, params)
    detail = api.get(f"/api/hsds/organizations/{imported['org'].pk}", {"full_service": "\x00"})
    assert detail.status_code == 400


def test_the_openapi_documents_every_status_and_parameter(api, db, hsds_dir) -> None:
    official = json.loads((hsds_dir / "schema/openapi.json").read_text())
    refs = official["components"]["parameters"]
    ours = api.get("/api/hsds/openapi.json").json()["paths"]
    for path, operations in official["paths"].items():
        mine = ours[f"/api/hsds{path}"]["get"]
        wanted = set()
        for parameter in operations["get"].get("parameters", []):
            if "$ref" in parameter:
                parameter = refs[parameter["$ref"].rsplit("/", 1)[1]]
            wanted.add(parameter["name"])
        documented = {p["name"] for p in mine.get("parameters", []) if p["in"] == "query"}
        assert wanted <= documented, (path, wanted - documented)
        statuses = set(mine["responses"])
        if path == "/":
            assert statuses == {"200"}
        elif "{id}" in path:
            assert {"200", "404"} <= statuses, path
            assert ("400" in statuses) == bool(documented), path
        else:
            assert statuses == {"200", "400"}, path
            assert "application/x-ndjson" in mine["responses"]["200"]["content"], path
        for status, answer in mine["responses"].items():
            assert answer.get("description"), (path, status)
