"""The program report over many encounters, as a ratio to hand-written SQL computing the same
numbers (issue 11: at 1,000,000 encounters, target at most 2x).

A child process (Django, DEBUG=false, the benchmark's PostgreSQL database) fills the demo
program with encounters by SQL generate_series (1,000,000; 20,000 with BENCH_QUICK=1) over six
months, each with a family, a mentor, one or two support types, one or two themes, a child and a
caregiver, across 5,000 families; then times `evaluation.report.build` for the six months against
one hand-written SQL statement per figure (totals, setting and mode, distinct families, mentors,
children and caregivers, support types, themes, and the reached families by language, ZIP,
condition category and referral source), in alternating rounds; each line gives the median.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

try:
    from common import BenchContext, BenchResult
except ModuleNotFoundError:  # imported as bench.bench_evaluation
    from bench.common import BenchContext, BenchResult

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, statistics, time
from datetime import timedelta

import django
django.setup()

from django.db import connection, transaction
from django.utils import timezone

from kindred.core.demo import build_base
from kindred.encounters.models import Encounter, Theme
from kindred.evaluation import report
from kindred.families.models import Caregiver, Child, Family
from kindred.lib.measures import period_bounds
from kindred.mentors.models import Mentor

SIZE = int(os.environ["BENCH_ENCOUNTERS"])
ROUNDS = int(os.environ["BENCH_ROUNDS"])
FAMILIES = 5000

ctx = build_base(password="bench-" + os.environ["SECRET_KEY"][:20])
program, coordinator = ctx.program, ctx.users["coordinator"]
today = timezone.localdate()
end = today + timedelta(days=1)
start = end - timedelta(days=182)
lo, hi = period_bounds(start, end)

with transaction.atomic():
    existing = Encounter.objects.filter(program=program, notes="bench").count()
    if existing < SIZE:
        have = Family.objects.filter(program=program, name__startswith="Bench family").count()
        if have < FAMILIES:
            fams = Family.objects.bulk_create(
                [Family(program=program, name=f"Bench family {i}", sort_name=f"bench family {i}",
                        zip_code=f"{27000 + i % 900:05d}") for i in range(have, FAMILIES)],
                batch_size=5000,
            )
            Caregiver.objects.bulk_create(
                [Caregiver(family=f, first_name="Bench", relationship="mother",
                           preferred_language="es" if n % 4 == 0 else "en")
                 for n, f in enumerate(fams)], batch_size=5000)
            Child.objects.bulk_create(
                [Child(family=f, first_name="Bench") for f in fams], batch_size=5000)
        mentor_ids = list(Mentor.objects.filter(program=program).values_list("pk", flat=True))
        if not mentor_ids:
            mentor_ids = [Mentor.objects.create(program=program, full_name="Bench mentor",
                                                email="bench@example.test", phone="555").pk]
        themes = [Theme.objects.get_or_create(program=program, slug=f"bench-{n}",
                                              defaults={"name": f"Bench theme {n}"})[0].pk
                  for n in range(6)]
        fam = list(Family.objects.filter(program=program, name__startswith="Bench family")
                   .order_by("pk").values_list("pk", flat=True))
        child = dict(Child.objects.filter(family_id__in=fam).values_list("family_id", "pk"))
        carer = dict(Caregiver.objects.filter(family_id__in=fam).values_list("family_id", "pk"))
        todo = SIZE - existing
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_map (n int primary key, family int, child int, carer int)")
            cur.executemany("INSERT INTO bench_map VALUES (%s, %s, %s, %s)",
                            [(i, f, child[f], carer[f]) for i, f in enumerate(fam)])
            cur.execute('''
                INSERT INTO encounters_encounter (program_id, occurred_at, duration_minutes,
                    setting, mode, initiated_by, interpreter_used, notes, concern, concern_details,
                    entered_in_error, error_reason, created_by_id, created_at, updated_at, version)
                SELECT %s, %s + (g * interval '1 second' * %s),
                    15 + (g %% 6) * 10,
                    (ARRAY['inpatient','outpatient','home','community','virtual'])[1 + g %% 5],
                    (ARRAY['in_person','phone','video','text','email'])[1 + (g / 5) %% 5],
                    'mentor', g %% 9 = 0, 'bench', '', '', false, '', %s, now(), now(), 1
                FROM generate_series(1, %s) g''',
                [program.pk, lo, 182 * 86400 / (todo + 1), coordinator.pk, todo])
            cur.execute("CREATE TEMP TABLE bench_new AS SELECT id, row_number() OVER (ORDER BY id) AS g FROM encounters_encounter WHERE program_id = %s AND notes = 'bench' AND id NOT IN (SELECT encounter_id FROM encounters_encounterfamily)", [program.pk])
            cur.execute("INSERT INTO encounters_encounterfamily (encounter_id, family_id) SELECT b.id, m.family FROM bench_new b JOIN bench_map m ON m.n = b.g %% %s", [len(fam)])
            cur.execute("INSERT INTO encounters_encounter_children (encounter_id, child_id) SELECT b.id, m.child FROM bench_new b JOIN bench_map m ON m.n = b.g %% %s", [len(fam)])
            cur.execute("INSERT INTO encounters_encounter_caregivers (encounter_id, caregiver_id) SELECT b.id, m.carer FROM bench_new b JOIN bench_map m ON m.n = b.g %% %s", [len(fam)])
            cur.execute("INSERT INTO encounters_encountermentor (encounter_id, mentor_id) SELECT id, (%s::int[])[1 + g %% %s] FROM bench_new", [mentor_ids, len(mentor_ids)])
            cur.execute("INSERT INTO encounters_encountersupport (encounter_id, support_type) SELECT id, 'emotional' FROM bench_new UNION ALL SELECT id, 'tangible' FROM bench_new WHERE g %% 2 = 0", [])
            cur.execute("INSERT INTO encounters_encounter_themes (encounter_id, theme_id) SELECT id, (%s::int[])[1 + g %% 6] FROM bench_new UNION ALL SELECT id, (%s::int[])[1 + (g + 3) %% 6] FROM bench_new WHERE g %% 3 = 0", [themes, themes])
            cur.execute("DROP TABLE bench_map; DROP TABLE bench_new")
with connection.cursor() as cur:
    cur.execute("ANALYZE")

BASE = '''SELECT e.id FROM encounters_encounter e WHERE e.program_id = %(p)s
          AND e.entered_in_error = false AND e.occurred_at >= %(lo)s AND e.occurred_at < %(hi)s'''
REACHED = "SELECT DISTINCT ef.family_id FROM encounters_encounterfamily ef WHERE ef.encounter_id IN (" + BASE + ")"
SQL = [
    '''SELECT count(*), sum(duration_minutes), count(*) FILTER (WHERE setting='inpatient'),
       count(*) FILTER (WHERE setting='outpatient'), count(*) FILTER (WHERE setting='home'),
       count(*) FILTER (WHERE setting='community'), count(*) FILTER (WHERE setting='virtual'),
       count(*) FILTER (WHERE mode='in_person'), count(*) FILTER (WHERE mode='phone'),
       count(*) FILTER (WHERE mode='video'), count(*) FILTER (WHERE mode='text'),
       count(*) FILTER (WHERE mode='email')
       FROM encounters_encounter e WHERE e.program_id = %(p)s AND e.entered_in_error = false
       AND e.occurred_at >= %(lo)s AND e.occurred_at < %(hi)s''',
    "SELECT count(DISTINCT family_id) FROM encounters_encounterfamily WHERE encounter_id IN (" + BASE + ")",
    "SELECT count(DISTINCT mentor_id) FROM encounters_encountermentor WHERE encounter_id IN (" + BASE + ")",
    "SELECT count(DISTINCT child_id) FROM encounters_encounter_children WHERE encounter_id IN (" + BASE + ")",
    "SELECT count(DISTINCT caregiver_id) FROM encounters_encounter_caregivers WHERE encounter_id IN (" + BASE + ")",
    "SELECT support_type, count(*) FROM encounters_encountersupport WHERE encounter_id IN (" + BASE + ") GROUP BY 1",
    "SELECT theme_id, count(*) FROM encounters_encounter_themes WHERE encounter_id IN (" + BASE + ") GROUP BY 1",
    # Themes with their sub-themes rolled up (each encounter once), as the report counts them.
    "SELECT coalesce(t.parent_id, t.id), count(DISTINCT et.encounter_id) FROM encounters_encounter_themes et JOIN encounters_theme t ON t.id = et.theme_id WHERE et.encounter_id IN (" + BASE + ") GROUP BY 1",
    "SELECT preferred_language, count(DISTINCT family_id) FROM families_caregiver WHERE is_active AND family_id IN (" + REACHED + ") GROUP BY 1",
    "SELECT zip_code FROM families_family WHERE id IN (" + REACHED + ")",
    '''SELECT cat.name, count(DISTINCT c.family_id) FROM families_child c
       LEFT JOIN families_child_conditions cc ON cc.child_id = c.id
       LEFT JOIN families_condition cond ON cond.id = cc.condition_id
       LEFT JOIN families_conditioncategory cat ON cat.id = cond.category_id
       WHERE c.is_active AND c.family_id IN (''' + REACHED + ") GROUP BY 1",
    "SELECT source, count(DISTINCT family_id) FROM referrals_referral WHERE program_id = %(p)s AND status <> 'entered-in-error' AND family_id IN (" + REACHED + ") GROUP BY 1",
]
params = {"p": program.pk, "lo": lo, "hi": hi}


def by_hand():
    with connection.cursor() as cur:
        for sql in SQL:
            cur.execute(sql, params)
            cur.fetchall()


def kindred():
    return report.build(program, start, end)


samples = {"report": [], "sql": []}
kindred(); by_hand()  # warm the caches once
for _ in range(ROUNDS):
    for name, fn in (("report", kindred), ("sql", by_hand)):
        begin = time.perf_counter()
        fn()
        samples[name].append((time.perf_counter() - begin) * 1000)
counted = kindred().totals["encounters"]
print("BENCH-RESULT " + json.dumps({
    "encounters": counted,
    "medians": {name: statistics.median(values) for name, values in samples.items()},
}))
"""


def run(ctx: BenchContext) -> list[BenchResult]:
    size = 20_000 if ctx.quick else 1_000_000
    env = dict(os.environ)
    env.pop("KINDRED_FAST_PASSWORD_HASHER", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DATABASE_URL": ctx.database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "TASKS_BACKEND": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "BENCH_ENCOUNTERS": str(size),
            "BENCH_ROUNDS": "3" if ctx.quick else "5",
        }
    )
    completed = subprocess.run(
        [ctx.python, "-c", CHILD],
        cwd=ctx.root or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH-RESULT ")), None
    )
    if completed.returncode != 0 or line is None:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"the evaluation benchmark process failed:\n{tail}")
    data = json.loads(line.removeprefix("BENCH-RESULT "))
    medians = data["medians"]
    return [
        BenchResult(
            name=f"program report, six months ({data['encounters']:,} encounters)",
            value=medians["report"],
            baseline_name="hand-written SQL aggregates, same numbers",
            baseline=medians["sql"],
            unit="ms",
            target=2,
        )
    ]


if __name__ == "__main__":  # a direct run: BENCH_DATABASE_URL must name a migrated database
    result = run(
        BenchContext(
            database_url=os.environ["BENCH_DATABASE_URL"],
            python=sys.executable,
            root=str(ROOT),
            quick=os.environ.get("BENCH_QUICK") == "1",
        )
    )
    for item in result:
        print(item.line())
