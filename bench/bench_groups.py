"""Support groups at scale (issue 12): a program with 50 weekly groups over two years.

Each group meets weekly for two years (first meeting a year ago, UNTIL a year ahead: 104-105
meetings), with 12 sessions of its own (a topic, a moved time, a cancellation) and attendance
on the past ones. Measured in alternating rounds:

1. The group calendar page (GET /groups/calendar/, eight weeks of every group's meetings,
   signed in as the coordinator: middleware, session, access, the rules expanded, the sessions
   overlaid, the template) against the bare `dateutil.rrule` expansion of the same 50 rules over
   the same eight weeks: the baseline.
2. A person's calendar feed (GET /groups/calendar/<token>.ics, the coordinator's: every group
   with its RRULE, EXDATEs and RECURRENCE-ID overrides, made by `icalendar`) against the bare
   expansion of the same 50 rules over their whole two years: the baseline.

Results are p95 of the samples, as a ratio to the baseline's p95.
"""

import os
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

try:
    from common import BenchContext, BenchResult, percentile, timed
except ModuleNotFoundError:  # imported as bench.bench_groups
    from bench.common import BenchContext, BenchResult, percentile, timed

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _populate(program, user, count: int) -> None:
    from django.utils import timezone

    from kindred.groups.models import GroupSession, SupportGroup
    from kindred.groups.schedule import clean_rule, occurrences

    today = timezone.localdate()
    first = today - timedelta(days=365)
    until = today + timedelta(days=365)
    groups = []
    for n in range(count):
        start = first + timedelta(days=n % 7)
        rule = f"FREQ=WEEKLY;BYDAY={WEEKDAYS[start.weekday()]};UNTIL={until:%Y%m%d}"
        groups.append(
            SupportGroup(
                program=program,
                name=f"Bench group {n:02d}",
                first_date=start,
                start_time=clock(17 + n % 4, 0),
                rrule=clean_rule(rule, first_date=start),
                place="Room 1",
                status="published",
                capacity=20,
                created_by=user,
            )
        )
    SupportGroup.objects.bulk_create(groups)
    now = timezone.now()
    rows = []
    for group in SupportGroup.objects.filter(program=program):
        found = occurrences([group], now - timedelta(days=200), now + timedelta(days=200))
        for k, occurrence in enumerate(found[::6][:12]):
            moved = timedelta(hours=1) if k % 4 == 1 else timedelta(0)
            rows.append(
                GroupSession(
                    group=group,
                    recurrence_id=occurrence.recurrence_id,
                    starts_at=occurrence.starts_at + moved,
                    ends_at=occurrence.ends_at + moved,
                    status="cancelled" if k % 4 == 3 else "scheduled",
                    cancel_reason="Holiday" if k % 4 == 3 else "",
                    topic=f"Topic {k}",
                    place="Room 1",
                )
            )
    GroupSession.objects.bulk_create(rows, batch_size=1000)


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    from dateutil.rrule import rrulestr
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kindred.accounts.models import User
    from kindred.groups.feeds import live_feed
    from kindred.groups.models import SupportGroup
    from kindred.programs.models import Membership, Organization, Program, Role

    count = 50
    rounds = 6 if ctx.quick else 20
    organization, _ = Organization.objects.get_or_create(
        slug="bench-groups", defaults={"name": "Bench groups", "kind": "hospital"}
    )
    program, _ = Program.objects.get_or_create(
        slug="bench-groups",
        defaults={"organization": organization, "name": "Bench groups", "scope": "hospital_wide"},
    )
    user = User.objects.filter(email="bench-groups@bench.test").first() or User.objects.create_user(
        "bench-groups@bench.test", "bench password 42", full_name="Bench Coordinator"
    )
    Membership.objects.get_or_create(user=user, program=program, role=Role.COORDINATOR)
    started = time.perf_counter()
    if not SupportGroup.objects.filter(program=program).exists():
        _populate(program, user, count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  groups: {count} weekly groups ready in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    rules = [
        rrulestr(g.rrule, dtstart=datetime.combine(g.first_date, g.start_time))
        for g in SupportGroup.objects.filter(program=program)
    ]
    window_start = timezone.localtime().replace(tzinfo=None) - timedelta(hours=3)
    window_end = window_start + timedelta(weeks=8)

    def bare_window() -> int:
        return sum(len(rule.between(window_start, window_end, inc=True)) for rule in rules)

    def bare_all() -> int:
        return sum(len(list(rule)) for rule in rules)

    meetings = bare_all()
    print(f"  groups: {meetings} meetings in the 50 rules", flush=True)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    token = live_feed(program=program, user=user).token

    def calendar_page() -> None:
        response = client.get("/groups/calendar/")
        if response.status_code != 200:
            raise AssertionError(f"/groups/calendar/ answered {response.status_code}")

    def person_feed() -> None:
        response = client.get(f"/groups/calendar/{token}.ics")
        if response.status_code != 200 or b"BEGIN:VCALENDAR" not in response.content:
            raise AssertionError(f"the feed answered {response.status_code}")

    for warm in (bare_window, calendar_page, bare_all, person_feed):
        warm()
    samples: dict[str, list[float]] = {"bw": [], "page": [], "ba": [], "feed": []}
    for _ in range(rounds):
        samples["bw"] += timed(bare_window, 1)
        samples["page"] += timed(calendar_page, 1)
        samples["ba"] += timed(bare_all, 1)
        samples["feed"] += timed(person_feed, 1)
    return [
        BenchResult(
            f"groups: calendar page GET /groups/calendar/ p95, {count} weekly groups",
            percentile(samples["page"], 95),
            "bare rrule expansion of the same rules over the same 8 weeks",
            percentile(samples["bw"], 95),
            "ms",
        ),
        BenchResult(
            f"groups: a person's feed (.ics, {meetings} meetings) p95",
            percentile(samples["feed"], 95),
            "bare rrule expansion of the same rules over two years",
            percentile(samples["ba"], 95),
            "ms",
        ),
    ]


if __name__ == "__main__":  # python bench/bench_groups.py (BENCH_DATABASE_URL, a *bench* database)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_groups"
    )
    context = BenchContext(
        database_url=url,
        python=sys.executable,
        root=str(Path(__file__).resolve().parent.parent),
        quick=os.environ.get("BENCH_QUICK") == "1",
    )
    for result in run(context):
        print(result.line())
