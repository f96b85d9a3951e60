"""Survey results at scale (issue 14): one survey with 5,000 responses (500 in quick mode).

Half the families answered a baseline (after intake) and a follow-up (the yearly sample), so
the pairs are real; each response answers the agree–disagree items, would-recommend and the
satisfaction item (through a match, for the by-mentor table). Measured in alternating rounds:

- the results rollup: everything the results page computes (`response_rates`, `paired`,
  `satisfaction`, `item_summaries` of `kindred.surveys.results`), against
- the bare SQL aggregate of the same answers (count and average per item, one GROUP BY over
  answers, responses and invitations): the baseline.

The result is the median of the samples, as a ratio to the baseline's median.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

try:
    from common import BenchContext, BenchResult, median, timed
except ModuleNotFoundError:  # imported as bench.bench_surveys
    from bench.common import BenchContext, BenchResult, median, timed

BARE_SQL = """
SELECT a.item_id, COUNT(*), AVG(a.number)
FROM surveys_answer a
JOIN surveys_response r ON r.id = a.response_id
JOIN surveys_invitation i ON i.id = r.invitation_id
WHERE i.survey_id = %s
GROUP BY a.item_id
"""


def _setup_django(ctx: BenchContext) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ["DATABASE_URL"] = ctx.database_url
    if ctx.root not in sys.path:
        sys.path.insert(0, ctx.root)
    import django

    django.setup()


def _populate(program, survey, responses: int) -> None:
    from django.utils import timezone

    from kindred.families.models import Family
    from kindred.matching.models import Match
    from kindred.mentors.models import Mentor
    from kindred.surveys.models import Answer, Invitation, Response

    rng = random.Random(14)
    now = timezone.now()
    families = responses // 2
    Family.objects.bulk_create(
        [Family(program=program, name=f"Bench survey family {n}") for n in range(families)],
        batch_size=1000,
    )
    family_ids = list(Family.objects.filter(program=program).values_list("pk", flat=True))
    mentors = [
        Mentor(
            program=program,
            full_name=f"Bench Mentor {n:02d}",
            email=f"survey-mentor{n}@bench.test",
            phone="555-0100",
            status="active",
            max_families=8,
            motivation="Bench",
            references="Bench",
        )
        for n in range(40)
    ]
    Mentor.objects.bulk_create(mentors)
    mentor_ids = list(Mentor.objects.filter(program=program).values_list("pk", flat=True))
    Match.objects.bulk_create(
        [
            Match(
                program=program,
                family_id=family_id,
                mentor_id=mentor_ids[n % len(mentor_ids)],
                status="active",
            )
            for n, family_id in enumerate(family_ids)
        ],
        batch_size=1000,
    )
    match_of = dict(Match.objects.filter(program=program).values_list("family_id", "pk"))
    invitations = []
    for n, family_id in enumerate(family_ids):
        for occasion, days in (("intake", 200), ("yearly", 20)):
            created = now - timedelta(days=days)
            invitations.append(
                Invitation(
                    program=program,
                    survey=survey,
                    occasion=occasion,
                    occasion_key=f"bench:{n}",
                    family_id=family_id,
                    match_id=match_of.get(family_id) if occasion == "yearly" else None,
                    token_hash=f"{occasion}{n:058d}"[:64],
                    created_at=created,
                    expires_at=created + timedelta(days=30),
                    answered_at=created + timedelta(hours=2),
                )
            )
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    saved = Invitation.objects.filter(survey=survey).values_list("pk", "answered_at")
    Response.objects.bulk_create(
        [
            Response(invitation_id=pk, submitted_at=at, submission_key=f"bench{pk:059d}"[:64])
            for pk, at in saved
        ],
        batch_size=1000,
    )
    items = list(survey.items.filter(kind__in=["agree", "yes_no"]))
    answers = []
    for response_id, occasion in Response.objects.filter(invitation__survey=survey).values_list(
        "pk", "invitation__occasion"
    ):
        for item in items:
            if item.follow_up_only and occasion == "intake":
                continue
            number = rng.randint(0, 1) if item.kind == "yes_no" else rng.randint(1, 5)
            answers.append(Answer(response_id=response_id, item_id=item.pk, number=number))
    Answer.objects.bulk_create(answers, batch_size=2000)


def run(ctx: BenchContext) -> list[BenchResult]:
    _setup_django(ctx)
    from django.db import connection, transaction

    from kindred.programs.models import Organization, Program
    from kindred.surveys import results
    from kindred.surveys.models import Response, Survey
    from kindred.surveys.starter import install_starters

    responses = 500 if ctx.quick else 5000
    rounds = 5 if ctx.quick else 15
    organization, _ = Organization.objects.get_or_create(
        slug="bench-surveys", defaults={"name": "Bench surveys", "kind": "hospital"}
    )
    program, _ = Program.objects.get_or_create(
        slug="bench-surveys",
        defaults={"organization": organization, "name": "Bench surveys", "scope": "hospital_wide"},
    )
    survey = Survey.objects.filter(program=program, audience="family").first()
    if survey is None:
        survey, _mentor = install_starters(program)
    started = time.perf_counter()
    if not Response.objects.filter(invitation__survey=survey).exists():
        with transaction.atomic():
            _populate(program, survey, responses)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    found = Response.objects.filter(invitation__survey=survey).count()
    print(
        f"  surveys: {found} responses ready in {time.perf_counter() - started:.1f} s", flush=True
    )

    def rollup() -> None:
        rates = results.response_rates(survey)
        pairs = results.paired(survey)
        results.satisfaction(survey)
        results.item_summaries(survey)
        if not rates or not any(p.pairs for p in pairs):
            raise AssertionError("the rollup found no answers")

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [survey.pk])
            if not cursor.fetchall():
                raise AssertionError("the bare aggregate found no answers")

    rollup()
    bare()
    samples: dict[str, list[float]] = {"rollup": [], "bare": []}
    for _ in range(rounds):
        samples["bare"] += timed(bare, 1)
        samples["rollup"] += timed(rollup, 1)
    return [
        BenchResult(
            f"surveys: results rollup (rates, pairs, by mentor and group, items), {found} responses",
            median(samples["rollup"]),
            "bare SQL count and average per item of the same answers",
            median(samples["bare"]),
            "ms",
        )
    ]


if __name__ == "__main__":  # python bench/bench_surveys.py (BENCH_DATABASE_URL, a *bench* database)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_surveys"
    )
    context = BenchContext(
        database_url=url,
        python=sys.executable,
        root=str(Path(__file__).resolve().parent.parent),
        quick=os.environ.get("BENCH_QUICK") == "1",
    )
    for result in run(context):
        print(result.line())
