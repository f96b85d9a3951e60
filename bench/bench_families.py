"""Families at scale (issue 3): search at 100,000 families and import of 10,000 rows.

1. Search. The demo-like program gets 100,000 families (10,000 with BENCH_QUICK=1), with
   caregivers, children and conditions. Six searches a coordinator makes (last names early and
   late in the alphabet, a first name, a phone number, a child's condition, Spanish-speaking
   families) are measured three ways, in alternating rounds:
   - `bare SQL`: the hand-written indexed SQL a developer would write for the same search
     (count + first page), through a psycopg cursor: the baseline;
   - `query layer`: Kindred's `families_page` (search, count, first page, prefetches), as the
     list view calls it;
   - `page`: the whole list page (GET /families/?...), signed in, through Django's test client
     (middleware, session, access, audit row, template).
   Results are p95 over all searches' samples, as a ratio to bare SQL's p95.
2. Import. 10,000 spreadsheet rows through Kindred's importer (read CSV, validate every row,
   write all or nothing) against a raw `bulk_create` of the same families, caregivers and
   children built in Python without validation: the baseline.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

try:
    from common import BenchContext, BenchResult, percentile
except ModuleNotFoundError:  # imported as bench.bench_families
    from bench.common import BenchContext, BenchResult, percentile

FIRST = [
    "Maria",
    "Ana",
    "Rosa",
    "Jessica",
    "Ashley",
    "Keisha",
    "Mai",
    "Fatima",
    "Grace",
    "Luis",
    "Jose",
    "Marcus",
    "Tyler",
    "Hannah",
    "Emily",
    "Sarah",
    "Aisha",
    "Linh",
    "Omar",
    "Kevin",
]
LAST = [
    "Garcia",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Nguyen",
    "Tran",
    "Ahmed",
    "Okafor",
    "Kowalski",
    "Olsen",
    "Robinson",
    "Clark",
    "Walker",
    "Young",
    "Rivera",
    "Torres",
    "Flores",
    "Gomez",
    "Diaz",
    "Reyes",
    "Ortiz",
    "Fitzgerald",
    "Abernathy",
    "Castellanos",
    "Delacroix",
    "Ferreira",
]
KIDS = ["Liam", "Noah", "Ava", "Mia", "Mateo", "Sofia", "Diego", "Zoe", "Caleb", "Lily"]


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _people(n: int, rng: random.Random) -> tuple[str, str, str, str, str, date]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    phone = f"{rng.choice(['312', '773', '708'])}-555-{n % 10000:04d}"
    language = "es" if rng.random() < 0.3 else "en"
    kid = rng.choice(KIDS)
    birth = date(2008, 1, 1) + timedelta(days=rng.randint(0, 17 * 365))
    return first, last, phone, language, kid, birth


def _populate(program, user, count: int) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection, transaction

    from kindred.families.importer import _search_columns
    from kindred.families.models import Caregiver, Child, Condition, Family

    conditions = list(Condition.objects.filter(program=None).values_list("pk", flat=True))
    through = Child.conditions.through
    rng = random.Random(3)
    batch = 5000
    for start in range(0, count, batch):
        with transaction.atomic():
            families, caregivers, children = [], [], []
            for n in range(start, min(count, start + batch)):
                first, last, phone, language, kid, birth = _people(n, rng)
                family = Family(
                    program=program,
                    name=last,
                    created_by=user,
                    status="closed" if n % 13 == 0 else "active",
                    status_reason="Moved" if n % 13 == 0 else "",
                )
                caregiver = Caregiver(
                    first_name=first,
                    last_name=last,
                    relationship="mother",
                    is_primary=True,
                    phone=phone,
                    phone_digits=phone.replace("-", ""),
                    preferred_language=language,
                    email=f"p{n}@example.test",
                )
                child = Child(first_name=kid, last_name=last, date_of_birth=birth)
                _search_columns(family, caregiver, child)
                families.append(family)
                caregivers.append(caregiver)
                children.append(child)
            Family.objects.bulk_create(families)
            for family, caregiver, child in zip(families, caregivers, children, strict=True):
                caregiver.family = family
                child.family = family
            Caregiver.objects.bulk_create(caregivers)
            Child.objects.bulk_create(children)
            through.objects.bulk_create(
                [
                    through(child_id=c.pk, condition_id=conditions[(c.pk * 7) % len(conditions)])
                    for c in children
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE families_family; ANALYZE families_caregiver; ANALYZE families_child; "
            "ANALYZE families_child_conditions"
        )


BARE = {
    "where_name": "f.search_text LIKE %s",
    "where_phone": "f.search_phones LIKE %s",
    "where_language": "f.languages LIKE %s",
    "where_condition": (
        "f.id IN (SELECT c.family_id FROM families_child c JOIN families_child_conditions cc "
        "ON cc.child_id = c.id WHERE cc.condition_id = %s AND c.is_active)"
    ),
}


def _bare(cursor, program_id: int, where: str, param) -> None:  # type: ignore[no-untyped-def]
    base = f"FROM families_family f WHERE f.program_id = %s AND f.status IN ('active', 'closed') AND {where}"
    cursor.execute(f"SELECT count(*) {base}", [program_id, param])
    cursor.fetchone()
    cursor.execute(
        f"SELECT f.id, f.name, f.sort_name {base} ORDER BY f.sort_name, f.id LIMIT 25",
        [program_id, param],
    )
    cursor.fetchall()


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    import psycopg
    from django.test import Client

    from kindred.accounts.models import User
    from kindred.core.testing.two_factor import authenticator, pass_second_step
    from kindred.families import importer
    from kindred.families.models import Caregiver, Child, Condition, Family
    from kindred.families.views import families_page
    from kindred.programs.models import Membership, Organization, Program, Role

    count = 10_000 if ctx.quick else 100_000
    rows_to_import = 2_000 if ctx.quick else 10_000
    repeat = 8 if ctx.quick else 30

    organization, _ = Organization.objects.get_or_create(
        slug="bench-families", defaults={"name": "Bench families", "kind": "hospital"}
    )
    program, _ = Program.objects.get_or_create(
        slug="bench-families",
        defaults={"organization": organization, "name": "Bench families", "scope": "hospital_wide"},
    )
    user = User.objects.filter(
        email="bench-families@bench.test"
    ).first() or User.objects.create_user(
        "bench-families@bench.test", "bench password 42", full_name="Bench Coordinator"
    )
    Membership.objects.get_or_create(user=user, program=program, role=Role.COORDINATOR)
    started = time.perf_counter()
    if not Family.objects.filter(program=program).exists():
        _populate(program, user, count)
    print(
        f"  families: {count} families ready in {time.perf_counter() - started:.1f} s", flush=True
    )

    condition = Condition.objects.filter(program=None).order_by("pk")[3]
    searches = [
        ({"q": "hernandez"}, "where_name", "%hernandez%", "q=hernandez"),
        ({"q": "773-555-0042"}, "where_phone", "%7735550042%", "q=773-555-0042"),
        ({"q": "maria"}, "where_name", "%maria%", "q=maria"),
        ({"q": "fitzgerald"}, "where_name", "%fitzgerald%", "q=fitzgerald"),
        ({"condition": condition}, "where_condition", condition.pk, f"condition={condition.pk}"),
        ({"language": "es"}, "where_language", "%es%", "language=es"),
    ]

    def query_layer(data: dict) -> None:
        list(families_page(program, data, 1).object_list)

    client = Client(HTTP_HOST="127.0.0.1")
    authenticator(user)  # enrolled first: the person's cached record then knows it
    client.force_login(user)
    pass_second_step(client, user)  # a coordinator signs in with a second factor (issue 16)
    bare_samples: list[float] = []
    layer_samples: list[float] = []
    page_samples: list[float] = []
    with psycopg.connect(ctx.database_url) as raw, raw.cursor() as cursor:
        for data, where, param, query in searches:  # warm up every path once
            _bare(cursor, program.pk, BARE[where], param)
            query_layer(data)
            assert client.get(f"/families/?{query}").status_code == 200
        for _ in range(repeat):
            for data, where, param, query in searches:
                t = time.perf_counter()
                _bare(cursor, program.pk, BARE[where], param)
                bare_samples.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                query_layer(data)
                layer_samples.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                response = client.get(f"/families/?{query}")
                page_samples.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200

    # Import: Kindred's importer vs a raw bulk_create of the same rows.
    import_program, _ = Program.objects.get_or_create(
        slug="bench-families-import",
        defaults={"organization": organization, "name": "Bench families import", "scope": "clinic"},
    )
    rng = random.Random(11)
    lines = ["first name,last name,phone,language,child first name,dob,conditions,consent"]
    people = []
    for n in range(rows_to_import):
        first, last, phone, language, kid, birth = _people(n, rng)
        people.append((first, last, phone, language, kid, birth))
        lines.append(f"{first},{last},{phone},{language},{kid},{birth.isoformat()},Q90.9,yes")
    content = "\n".join(lines).encode()

    from django.db import transaction

    def kindred_import() -> None:
        headers, rows = importer.read_table("bench.csv", content)
        preview = importer.validate(
            program=import_program,
            headers=headers,
            rows=rows,
            mapping=importer.guess_mapping(headers),
        )
        assert preview.ok, list(preview.errors.items())[:3]
        importer.import_rows(program=import_program, preview=preview, by=user)

    down = Condition.objects.get(program=None, code="Q90.9")

    def raw_bulk() -> None:
        with transaction.atomic():
            families = [Family(program=import_program, name=p[1]) for p in people]
            Family.objects.bulk_create(families, batch_size=1000)
            Caregiver.objects.bulk_create(
                [
                    Caregiver(
                        family=f,
                        first_name=p[0],
                        last_name=p[1],
                        relationship="parent",
                        is_primary=True,
                        phone=p[2],
                        preferred_language=p[3],
                    )
                    for f, p in zip(families, people, strict=True)
                ],
                batch_size=1000,
            )
            children = [
                Child(family=f, first_name=p[4], last_name=p[1], date_of_birth=p[5])
                for f, p in zip(families, people, strict=True)
            ]
            Child.objects.bulk_create(children, batch_size=1000)
            through = Child.conditions.through
            through.objects.bulk_create(
                [through(child_id=c.pk, condition_id=down.pk) for c in children], batch_size=1000
            )

    def wipe() -> None:
        from kindred.families.models import Consent

        with transaction.atomic():
            Consent.objects.filter(family__program=import_program).delete()
            Child.conditions.through.objects.filter(child__family__program=import_program).delete()
            Child.objects.filter(family__program=import_program).delete()
            Caregiver.objects.filter(family__program=import_program).delete()
            Family.objects.filter(program=import_program).delete()

    import_samples, bulk_samples = [], []
    for _ in range(2 if ctx.quick else 3):
        wipe()
        t = time.perf_counter()
        raw_bulk()
        bulk_samples.append(time.perf_counter() - t)
        wipe()
        t = time.perf_counter()
        kindred_import()
        import_samples.append(time.perf_counter() - t)
    assert Family.objects.filter(program=import_program).count() == rows_to_import
    wipe()

    label = f"{count // 1000}k families"
    bare_p95 = percentile(bare_samples, 95)
    return [
        BenchResult(
            f"families search p95, query layer ({label})",
            percentile(layer_samples, 95),
            "bare indexed SQL p95",
            bare_p95,
            "ms",
        ),
        BenchResult(
            f"families search p95, whole list page ({label})",
            percentile(page_samples, 95),
            "bare indexed SQL p95",
            bare_p95,
            "ms",
        ),
        BenchResult(
            f"families import of {rows_to_import} rows (read, validate, write)",
            min(import_samples),
            "raw bulk_create of the same rows",
            min(bulk_samples),
            "s",
            target=1.5,
        ),
    ]


if (
    __name__ == "__main__"
):  # python bench/bench_families.py (BENCH_DATABASE_URL, a *bench* database)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_families"
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
