"""The directory at scale (issue 5): search at 100,000 services, HSDS import of 10,000 services.

1. Search. 100,000 services (10,000 with BENCH_QUICK=1) across the United States, denser around
   Chicago, each with one location at a real ZIP centroid and one or two languages. A search a
   provider makes, "words + Spanish + within 25 miles of 60614", is measured two ways in
   alternating rounds:
   - `raw text search`: the PostgreSQL text-search query alone for the same words (the GIN-indexed
     `search_vector @@ websearch_to_tsquery(...)`, ranked, first page), through a psycopg cursor:
     the baseline;
   - `kindred search`: `search_services` with the words, the language filter and the 25-mile
     radius (bounding box on the indexed coordinates, exact distance, sort), including the
     prefetches a result page shows.
   Results are p95 over every search's samples, as a ratio to the raw query's p95.
2. Import. 10,000 HSDS 3.0 services (nested JSON: organization, location with address, phone,
   language) through Kindred's importer (flatten, validate every record against the HSDS JSON
   Schemas, check links, write all or nothing) against a raw `bulk_create` of the same rows built
   in Python without any check: the baseline.
"""

import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

try:
    from common import BenchContext, BenchResult, percentile
except ModuleNotFoundError:  # imported as bench.bench_directory
    from bench.common import BenchContext, BenchResult, percentile

WORDS = [
    "heart", "cardiac", "down syndrome", "trisomy", "NICU", "preemie", "cancer", "leukemia",
    "diabetes", "autism", "feeding tube", "tracheostomy", "rare", "kidney", "dads", "grandparents",
    "siblings", "bereavement", "spanish", "newly diagnosed",
]  # fmt: skip
KINDS = ["one_to_one", "support_group", "info_line", "online_community", "training"]
CONDITIONS = [
    "heart",
    "down_syndrome",
    "prematurity",
    "cancer",
    "diabetes",
    "autism",
    "technology",
    "rare",
    "kidney",
    "any",
]
SEARCHES = ["heart support group", "down syndrome parents", "NICU", "autism dads"]


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _zip_pool(rng: random.Random) -> list[tuple[str, float, float]]:
    import zipcodes

    rows = [
        (z["zip_code"], float(z["lat"]), float(z["long"])) for z in zipcodes.list_all() if z["lat"]
    ]
    chicago = [r for r in rows if r[0].startswith(("606", "604", "605"))]
    # One in five services near Chicago, the rest anywhere in the country.
    return chicago * (len(rows) // (4 * max(1, len(chicago)))) + rows


def _text(rng: random.Random) -> tuple[str, str, str]:
    topic = rng.choice(WORDS)
    kind = rng.choice(
        ["Parent Circle", "Family Network", "Support Group", "Parent Line", "Mentor Program"]
    )
    name = f"{topic.title()} {kind} {rng.randint(1, 999)}"
    description = (
        f"Peer support for parents: {topic}, {rng.choice(WORDS)} and {rng.choice(WORDS)}. "
        "Veteran parents listen and share what helped them."
    )
    return name, description, f"{topic}, {rng.choice(WORDS)}"


def _populate(steward, count: int, rng: random.Random) -> None:
    from kindred.directory.models import (
        Language,
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        codes_to_text,
    )

    pool = _zip_pool(rng)
    organizations = [
        Organization(steward=steward, name=f"Bench organization {i}", description="bench")
        for i in range(max(10, count // 50))
    ]
    Organization.objects.bulk_create(organizations, batch_size=2000)
    batch = 5000
    for start in range(0, count, batch):
        services, locations, links, languages = [], [], [], []
        for _ in range(start, min(count, start + batch)):
            name, description, populations = _text(rng)
            spanish = rng.random() < 0.35
            service = Service(
                organization=rng.choice(organizations),
                name=name,
                description=description,
                populations=populations,
                kind=rng.choice(KINDS),
                conditions=codes_to_text([rng.choice(CONDITIONS)]),
                language_codes=codes_to_text(["en", "es"] if spanish else ["en"]),
                serves_remotely=rng.random() < 0.02,
            )
            _zip, lat, lon = rng.choice(pool)
            location = Location(
                latitude=lat + rng.uniform(-0.02, 0.02), longitude=lon + rng.uniform(-0.02, 0.02)
            )
            services.append(service)
            locations.append(location)
            links.append(ServiceAtLocation(service=service, location=location))
            languages.append(Language(service=service, code="en", name="English"))
            if spanish:
                languages.append(Language(service=service, code="es", name="Spanish"))
        Service.objects.bulk_create(services, batch_size=2000)
        Location.objects.bulk_create(locations, batch_size=2000)
        ServiceAtLocation.objects.bulk_create(links, batch_size=2000)
        Language.objects.bulk_create(languages, batch_size=2000)


def _hsds_services(n: int, rng: random.Random) -> list[dict]:
    pool = _zip_pool(rng)
    organizations = [
        {
            "id": str(uuid.uuid4()),
            "name": f"Import organization {i}",
            "description": "Imported in the benchmark.",
        }
        for i in range(max(10, n // 20))
    ]
    services = []
    for _ in range(n):
        name, description, _populations = _text(rng)
        zip_code, lat, lon = rng.choice(pool)
        location_id = str(uuid.uuid4())
        service_id = str(uuid.uuid4())
        services.append(
            {
                "id": service_id,
                "name": name,
                "description": description,
                "status": "active",
                "minimum_age": 0,
                "maximum_age": 18,
                "organization": rng.choice(organizations),
                "phones": [{"id": str(uuid.uuid4()), "number": "312-555-0100", "type": "voice"}],
                "languages": [{"id": str(uuid.uuid4()), "name": "Spanish", "code": "es"}],
                "service_at_locations": [
                    {
                        "id": str(uuid.uuid4()),
                        "location": {
                            "id": location_id,
                            "location_type": "physical",
                            "name": name,
                            "latitude": lat,
                            "longitude": lon,
                            "addresses": [
                                {
                                    "id": str(uuid.uuid4()),
                                    "address_1": "1 Bench Street",
                                    "city": "Benchville",
                                    "state_province": "IL",
                                    "postal_code": zip_code,
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
            }
        )
    return services


def _raw_bulk(services: list[dict], steward) -> None:
    """The same rows, built in Python and bulk-inserted without any validation."""
    from django.db import transaction

    from kindred.directory.models import (
        Address,
        Language,
        Location,
        Organization,
        Phone,
        Service,
        ServiceAtLocation,
    )

    organizations = {}
    rows: dict[str, list] = {k: [] for k in ("s", "l", "a", "sal", "p", "lang")}
    for item in services:
        org = item["organization"]
        if org["id"] not in organizations:
            organizations[org["id"]] = Organization(
                id=uuid.UUID(org["id"]),
                steward=steward,
                name=org["name"],
                description=org["description"],
            )
        sal = item["service_at_locations"][0]
        loc = sal["location"]
        address = loc["addresses"][0]
        rows["s"].append(
            Service(
                id=uuid.UUID(item["id"]),
                organization_id=uuid.UUID(org["id"]),
                name=item["name"],
                description=item["description"],
                status="active",
                minimum_age=0,
                maximum_age=18,
                language_codes=",es,",
            )
        )
        rows["l"].append(
            Location(
                id=uuid.UUID(loc["id"]),
                name=loc["name"],
                latitude=loc["latitude"],
                longitude=loc["longitude"],
            )
        )
        rows["a"].append(
            Address(
                id=uuid.UUID(address["id"]), location_id=uuid.UUID(loc["id"]), address_1=address["address_1"],
                city=address["city"], state_province=address["state_province"], postal_code=address["postal_code"],
            )
        )  # fmt: skip
        rows["sal"].append(
            ServiceAtLocation(
                id=uuid.UUID(sal["id"]),
                service_id=uuid.UUID(item["id"]),
                location_id=uuid.UUID(loc["id"]),
            )
        )
        rows["p"].append(
            Phone(
                id=uuid.UUID(item["phones"][0]["id"]),
                service_id=uuid.UUID(item["id"]),
                number="312-555-0100",
                type="voice",
            )
        )
        rows["lang"].append(
            Language(
                id=uuid.UUID(item["languages"][0]["id"]),
                service_id=uuid.UUID(item["id"]),
                code="es",
                name="Spanish",
            )
        )
    with transaction.atomic():
        Organization.objects.bulk_create(list(organizations.values()), batch_size=1000)
        Location.objects.bulk_create(rows["l"], batch_size=1000)
        Address.objects.bulk_create(rows["a"], batch_size=1000)
        Service.objects.bulk_create(rows["s"], batch_size=1000)
        ServiceAtLocation.objects.bulk_create(rows["sal"], batch_size=1000)
        Phone.objects.bulk_create(rows["p"], batch_size=1000)
        Language.objects.bulk_create(rows["lang"], batch_size=1000)


def _clear(steward) -> None:
    from kindred.directory.models import (
        Location,
        Organization,
        Service,
        ServiceEvent,
        ServiceTransition,
    )

    services = Service.objects.filter(organization__steward=steward)
    ServiceEvent.objects.filter(service__in=services).delete()
    ServiceTransition.objects.filter(service__in=services).delete()
    location_ids = list(
        Location.objects.filter(service_at_locations__service__in=services).values_list(
            "pk", flat=True
        )
    )
    services.delete()
    Location.objects.filter(pk__in=location_ids).delete()
    Organization.objects.filter(steward=steward).delete()


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    import psycopg

    from kindred.directory.hsds_import import run_import
    from kindred.directory.models import Service
    from kindred.directory.search import FTS_QUERY, SearchQuery, search_services
    from kindred.programs.models import Organization as KindredOrganization

    rng = random.Random(5)
    count = 10_000 if ctx.quick else 100_000
    to_import = 2_000 if ctx.quick else 10_000
    repeat = 8 if ctx.quick else 30

    steward, _ = KindredOrganization.objects.get_or_create(
        slug="bench-directory", defaults={"name": "Bench directory", "kind": "community"}
    )
    started = time.perf_counter()
    if not Service.objects.filter(organization__steward=steward).exists():
        _populate(steward, count, rng)
    with psycopg.connect(
        ctx.database_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("ANALYZE")
        print(
            f"  directory: {count} services ready in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

        raw_sql = (
            "SELECT id FROM directory_service "  # noqa: S608 - constant SQL, words are parameters
            f"WHERE status = 'active' AND search_vector @@ {FTS_QUERY} "
            f"ORDER BY ts_rank(search_vector, {FTS_QUERY}) DESC, name LIMIT 20"
        )
        raw_samples: list[float] = []
        kindred_samples: list[float] = []
        totals = {}
        for round_number in range(repeat + 2):
            for words in SEARCHES:
                t0 = time.perf_counter()
                conn.execute(raw_sql, (words, words, words, words)).fetchall()
                t1 = time.perf_counter()
                result = search_services(
                    SearchQuery(words=words, language="es", zip_code="60614", miles=25)
                )
                [len(hit.service.phones.all()) for hit in result.hits]
                t2 = time.perf_counter()
                totals[words] = result.total
                if round_number >= 2:  # two warm-up rounds
                    raw_samples.append((t1 - t0) * 1000)
                    kindred_samples.append((t2 - t1) * 1000)
    print(f"  directory: matches within 25 miles of 60614 in Spanish: {totals}", flush=True)

    import_steward, _ = KindredOrganization.objects.get_or_create(
        slug="bench-directory-import", defaults={"name": "Bench import", "kind": "community"}
    )
    import_samples, bulk_samples = [], []
    for _ in range(1 if ctx.quick else 3):
        services = _hsds_services(to_import, rng)
        payload = json.dumps(services).encode()
        _clear(import_steward)
        t0 = time.perf_counter()
        report = run_import([("services.json", payload)], steward_id=import_steward.pk)
        import_samples.append(time.perf_counter() - t0)
        if not report.ok:
            raise RuntimeError(f"benchmark import refused: {report.errors[:3]}")
        _clear(import_steward)
        t0 = time.perf_counter()
        _raw_bulk(services, import_steward)
        bulk_samples.append(time.perf_counter() - t0)
        _clear(import_steward)

    return [
        BenchResult(
            f"directory search p95 ({count} services, words + Spanish + 25 miles)",
            percentile(kindred_samples, 95),
            "raw PostgreSQL text search (same words, first page)",
            percentile(raw_samples, 95),
            "ms",
        ),
        BenchResult(
            f"HSDS import of {to_import} services (validated, all or nothing)",
            min(import_samples),
            "raw bulk_create of the same rows",
            min(bulk_samples),
            "s",
            target=1.5,
        ),
    ]


if (
    __name__ == "__main__"
):  # python bench/bench_directory.py (BENCH_DATABASE_URL, a *bench* database)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_directory"
    )
    root = str(Path(__file__).resolve().parent.parent)
    context = BenchContext(
        database_url=url,
        python=sys.executable,
        root=root,
        quick=os.environ.get("BENCH_QUICK") == "1",
    )
    for result in run(context):
        print(result.line())
