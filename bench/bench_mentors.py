"""Mentors at scale (issue 6): who may be matched today, and the roster page, at 5,000 mentors.

A program gets 5,000 mentors (1,000 with BENCH_QUICK=1) in every status, each holding the
program's three required qualifications, some expired. Measured in alternating rounds:

1. `Mentor.objects.matchable(program)`, the one query the matching issue ranks from, against
   the hand-written SQL a developer would write for the same rule (NOT EXISTS a required
   qualification type without a valid qualification): the baseline.
2. The roster page (GET /mentors/, signed in as the coordinator, through Django's test client:
   middleware, session, access, audit row, matchable flags, qualification badges, template)
   against the bare SQL of its data (count + the first page of 50 rows): the baseline.

Results are p95 of the samples, as a ratio to the baseline's p95.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

try:
    from common import BenchContext, BenchResult, percentile, timed
except ModuleNotFoundError:  # imported as bench.bench_mentors
    from bench.common import BenchContext, BenchResult, percentile, timed

FIRST = [
    "Maria",
    "Keisha",
    "Dana",
    "Grace",
    "Luis",
    "Fatima",
    "Tyler",
    "Rosa",
    "Mai",
    "Omar",
    "Beth",
    "Ana",
]
LAST = [
    "Garcia",
    "Brown",
    "Whitaker",
    "Liu",
    "Ortega",
    "Hassan",
    "Brooks",
    "Jimenez",
    "Nguyen",
    "Reyes",
]
STATUSES = ["active"] * 6 + ["paused", "training", "applicant", "alumni"]

MATCHABLE_SQL = """
SELECT m.id FROM mentors_mentor m
WHERE m.program_id = %(program)s AND m.status = 'active' AND m.active_family_count < m.max_families
  AND NOT EXISTS (
    SELECT 1 FROM mentors_qualificationtype t
    WHERE t.program_id = m.program_id AND t.required_for_matching AND t.is_active
      AND NOT EXISTS (
        SELECT 1 FROM mentors_qualification q
        WHERE q.mentor_id = m.id AND q.type_id = t.id AND q.obtained_on <= %(on)s
          AND (q.expires_on IS NULL OR q.expires_on >= %(on)s)))
"""
PAGE_SQL = [
    "SELECT count(*) FROM mentors_mentor WHERE program_id = %(program)s",
    "SELECT * FROM mentors_mentor WHERE program_id = %(program)s ORDER BY full_name, id LIMIT 50",
]


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _populate(program, user, count: int) -> None:
    from django.utils import timezone

    from kindred.mentors.models import Mentor, Qualification, QualificationType
    from kindred.mentors.services import program_ensure_mentor_lists

    program_ensure_mentor_lists(program=program)
    rng = random.Random(6)
    today = timezone.localdate()
    mentors = [
        Mentor(
            program=program,
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n:05d}",
            email=f"mentor{n}@bench.test",
            phone="555-0100",
            preferred_language="es" if rng.random() < 0.3 else "en",
            languages=["es", "en"] if rng.random() < 0.3 else ["en"],
            status=(status := rng.choice(STATUSES)),
            paused_until=today + timedelta(days=30) if status == "paused" else None,
            max_families=(most := rng.choice([3, 5, 8])),
            # Within capacity (the constraint mentors_mentor_within_capacity).
            active_family_count=min(most, rng.choice([0, 1, 2, 3, 5])),
            motivation="Bench",
            references="Bench",
        )
        for n in range(count)
    ]
    Mentor.objects.bulk_create(mentors, batch_size=1000)
    types = list(QualificationType.objects.filter(program=program, required_for_matching=True))
    qualifications = []
    for mentor in Mentor.objects.filter(program=program).only("id"):
        for qualification_type in types:
            # Most renewed on time; some lapsed a while ago, and a few renewed after lapsing.
            obtained = today - timedelta(days=rng.randint(1, 420))
            expires = qualification_type.expiry_for(obtained)
            qualifications.append(
                Qualification(
                    mentor=mentor,
                    type=qualification_type,
                    obtained_on=obtained,
                    expires_on=expires,
                    recorded_by=user,
                )
            )
            if rng.random() < 0.1:
                renewed = obtained + timedelta(days=380)
                if renewed <= today:
                    qualifications.append(
                        Qualification(
                            mentor=mentor,
                            type=qualification_type,
                            obtained_on=renewed,
                            expires_on=qualification_type.expiry_for(renewed),
                            recorded_by=user,
                        )
                    )
    Qualification.objects.bulk_create(qualifications, batch_size=2000)


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kindred.accounts.models import User
    from kindred.core.testing.two_factor import authenticator, pass_second_step
    from kindred.mentors.models import Mentor
    from kindred.programs.models import Membership, Organization, Program, Role

    count = 1_000 if ctx.quick else 5_000
    rounds = 8 if ctx.quick else 30
    organization, _ = Organization.objects.get_or_create(
        slug="bench-mentors", defaults={"name": "Bench mentors", "kind": "hospital"}
    )
    program, _ = Program.objects.get_or_create(
        slug="bench-mentors",
        defaults={
            "organization": organization,
            "name": "Bench mentors",
            "scope": "hospital_wide",
            "mentor_title": "Family Partner",
        },
    )
    user = User.objects.filter(
        email="bench-mentors@bench.test"
    ).first() or User.objects.create_user(
        "bench-mentors@bench.test", "bench password 42", full_name="Bench Coordinator"
    )
    Membership.objects.get_or_create(user=user, program=program, role=Role.COORDINATOR)
    started = time.perf_counter()
    if not Mentor.objects.filter(program=program).exists():
        _populate(program, user, count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  mentors: {count} mentors ready in {time.perf_counter() - started:.1f} s", flush=True)

    today = timezone.localdate()
    params = {"program": program.pk, "on": today}

    def bare_matchable() -> list:
        with connection.cursor() as cursor:
            cursor.execute(MATCHABLE_SQL, params)
            return cursor.fetchall()

    def kindred_matchable() -> list:
        return list(Mentor.objects.matchable(program, today).values_list("pk", flat=True))

    expected = {row[0] for row in bare_matchable()}
    found = set(kindred_matchable())
    if expected != found:
        raise AssertionError(
            f"matchable() and the bare SQL disagree: {len(found)} vs {len(expected)}"
        )
    print(f"  mentors: {len(found)} of {count} matchable today", flush=True)

    def bare_page() -> None:
        with connection.cursor() as cursor:
            for sql in PAGE_SQL:
                cursor.execute(sql, params)
                cursor.fetchall()

    client = Client(HTTP_HOST="127.0.0.1")
    authenticator(user)  # enrolled first: the person's cached record then knows it
    client.force_login(user)
    pass_second_step(client, user)  # a coordinator signs in with a second factor (issue 16)

    def page() -> None:
        response = client.get("/mentors/")
        if response.status_code != 200:
            raise AssertionError(
                f"/mentors/ answered {response.status_code} {response.get('location')}"
            )

    for warm in (bare_matchable, kindred_matchable, bare_page, page):
        warm()
    samples: dict[str, list[float]] = {"bare": [], "matchable": [], "bare_page": [], "page": []}
    for _ in range(rounds):
        samples["bare"] += timed(bare_matchable, 1)
        samples["matchable"] += timed(kindred_matchable, 1)
        samples["bare_page"] += timed(bare_page, 1)
        samples["page"] += timed(page, 1)
    return [
        BenchResult(
            f"mentors: Mentor.objects.matchable() p95 at {count} mentors",
            percentile(samples["matchable"], 95),
            "hand-written SQL of the same rule",
            percentile(samples["bare"], 95),
            "ms",
        ),
        BenchResult(
            f"mentors: roster page GET /mentors/ p95 at {count} mentors",
            percentile(samples["page"], 95),
            "bare SQL of its data (count + first 50 rows)",
            percentile(samples["bare_page"], 95),
            "ms",
            target=3,
        ),
    ]


if __name__ == "__main__":  # python bench/bench_mentors.py (BENCH_DATABASE_URL, a *bench* database)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_mentors"
    )
    context = BenchContext(
        database_url=url,
        python=sys.executable,
        root=str(Path(__file__).resolve().parent.parent),
        quick=os.environ.get("BENCH_QUICK") == "1",
    )
    for result in run(context):
        print(result.line())
