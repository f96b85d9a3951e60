"""The coordinator's referral queue and the referral dashboard at 100,000 referrals.

A child process (Django with DEBUG=false on the benchmark's PostgreSQL database) fills the demo
program with 100,000 referrals (10,000 with BENCH_QUICK=1) spread over two years, about one in
eight still open, then renders through Django's test client, signed in as the coordinator:
- the framework ceiling: `/healthz/live`, a trivial view (the baseline);
- `/referrals/queue/`: the first page of the queue (overdue first);
- `/referrals/dashboard/`: every number of the dashboard over all referrals;
- `/referrals/dashboard/?start=...`: the same for the last 90 days.
The views and the baseline are measured in alternating rounds; each line gives the median.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

try:
    from common import BenchContext, BenchResult
except ModuleNotFoundError:  # imported as bench.bench_referrals
    from bench.common import BenchContext, BenchResult

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, random, statistics, sys, time
from datetime import timedelta

import django
django.setup()

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from kindred.core.demo import build_base
from kindred.core.testing.two_factor import authenticator, pass_second_step
from kindred.families.models import Family
from kindred.referrals import daily
from kindred.referrals.models import Referral, Source
from kindred.referrals.status import Status, Step

SIZE = int(os.environ["BENCH_REFERRALS"])
ROUNDS = int(os.environ["BENCH_ROUNDS"])
REPEAT = int(os.environ["BENCH_REPEAT"])

ctx = build_base(password="bench-" + os.environ["SECRET_KEY"][:20])
program, coordinator = ctx.program, ctx.users["coordinator"]
rng = random.Random(42)
now = timezone.now()
existing = Referral.objects.filter(program=program).count()
if existing < SIZE:
    todo = SIZE - existing
    families = Family.objects.bulk_create(
        [Family(program=program, name=f"Bench family {i}", sort_name=f"bench family {i}")
         for i in range(todo)],
        batch_size=5000,
    )
    closed = [Status.COMPLETED] * 50 + [Status.FAILED] * 15 + [Status.REJECTED] * 5 + \
        [Status.CANCELLED] * 5 + [Status.ENTERED_IN_ERROR] * 2
    open_ = [Status.REQUESTED] * 4 + [Status.ACCEPTED] * 3 + [Status.IN_PROGRESS] * 3 + \
        [Status.ON_HOLD]
    rows = []
    for i, family in enumerate(families):
        received = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        recent = now - received < timedelta(days=30)
        status = rng.choice(open_ if recent or rng.random() < 0.08 else closed)
        contacted = status not in (Status.REQUESTED,) and rng.random() < 0.95
        first = received + timedelta(hours=rng.uniform(1, 96)) if contacted else None
        if first is not None and first > now:
            first = None
        step = ""
        if status in (Status.IN_PROGRESS, Status.COMPLETED):
            step = rng.choice([Step.CONTACTING, Step.INTAKE_DONE, Step.MATCHED, Step.IN_GROUP,
                               Step.REFERRED_OUT] if status == Status.IN_PROGRESS else
                              [Step.MATCHED, Step.IN_GROUP, Step.REFERRED_OUT])
        reason = "unable-to-reach" if status in (Status.FAILED, Status.REJECTED,
                                                 Status.CANCELLED, Status.ON_HOLD) else ""
        rows.append(Referral(
            program=program, family=family,
            source=rng.choice([Source.REFERRER] * 6 + [Source.PARTNER] * 2 + [Source.SELF] * 2),
            referred_by=None, referrer_role="", referrer_department="",
            consent_to_contact=True, consent_obtained_by="bench", consent_method="verbal",
            status=status, step=step, status_reason=reason,
            referred_out_to="Bench resource" if step == Step.REFERRED_OUT else "",
            received_at=received, due_at=received + timedelta(hours=48),
            first_contact_at=first,
            supported_at=(first + timedelta(days=3)) if first and step in (Step.MATCHED, Step.IN_GROUP) else None,
            closed_at=(received + timedelta(days=20)) if status not in open_ else None,
            status_changed_at=received,
        ))
    for row in rows:
        if row.source != Source.SELF:
            row.referred_by = ctx.users["referrer"]
            row.referrer_role = rng.choice(["social-worker", "nurse", "physician", "family-liaison"])
            row.referrer_department = rng.choice(["NICU", "Cardiology", "Genetics", "Oncology",
                                                  "Pulmonology", "Neurology"])
    with transaction.atomic():
        Referral.objects.bulk_create(rows, batch_size=5000)
        # A bulk insert bypasses Referral.save(): count the day rows as the data migration does.
        daily.rebuild(program.pk)
    print(f"  referrals: {daily.ReferralDailyCount.objects.filter(program=program).count()} "
          f"daily count rows, {daily.ReferralDelayCount.objects.filter(program=program).count()} "
          f"delay rows for {SIZE} referrals", file=sys.stderr, flush=True)
    # Steady state, as autovacuum leaves a table: statistics, and the visibility map that lets
    # the dashboard read its covering index only.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE referrals_referral")
        cursor.execute("ANALYZE")

client = Client()
authenticator(coordinator)  # enrolled first: the person's cached record then knows it
client.force_login(coordinator)
pass_second_step(client, coordinator)  # a coordinator signs in with a second factor
start_90 = (timezone.localdate() - timedelta(days=90)).isoformat()
paths = {
    "trivial": "/healthz/live",
    "queue": "/referrals/queue/",
    "dashboard": "/referrals/dashboard/",
    "dashboard_90d": f"/referrals/dashboard/?start={start_90}",
}
for path in paths.values():  # warm up, and check every page answers
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
samples = {name: [] for name in paths}
for _ in range(ROUNDS):
    for name, path in paths.items():
        for _ in range(REPEAT):
            begin = time.perf_counter()
            client.get(path)
            samples[name].append((time.perf_counter() - begin) * 1000)
print("BENCH-RESULT " + json.dumps({
    "referrals": Referral.objects.filter(program=program).count(),
    "open": Referral.objects.filter(program=program).open().count(),
    "medians": {name: statistics.median(values) for name, values in samples.items()},
}))
"""


def run(ctx: BenchContext) -> list[BenchResult]:
    size = 10_000 if ctx.quick else 100_000
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
            "BENCH_REFERRALS": str(size),
            "BENCH_ROUNDS": "3" if ctx.quick else "5",
            "BENCH_REPEAT": "3" if ctx.quick else "5",
        }
    )
    completed = subprocess.run(
        [ctx.python, "-c", CHILD],
        cwd=ctx.root or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH-RESULT ")), None
    )
    if completed.returncode != 0 or line is None:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"the referrals benchmark process failed:\n{tail}")
    data = json.loads(line.removeprefix("BENCH-RESULT "))
    medians = data["medians"]
    trivial = medians["trivial"]
    label = f"{data['referrals']:,} referrals, {data['open']:,} open"
    return [
        BenchResult(
            name=f"referrals queue, first page ({label})",
            value=medians["queue"],
            baseline_name="trivial view (test client)",
            baseline=trivial,
            unit="ms",
        ),
        BenchResult(
            name=f"referrals dashboard, all time ({label})",
            value=medians["dashboard"],
            baseline_name="trivial view (test client)",
            baseline=trivial,
            unit="ms",
            target=10,
        ),
        BenchResult(
            name="referrals dashboard, last 90 days",
            value=medians["dashboard_90d"],
            baseline_name="trivial view (test client)",
            baseline=trivial,
            unit="ms",
        ),
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
