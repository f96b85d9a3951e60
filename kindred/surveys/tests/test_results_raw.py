"""The results rollup (SQL aggregates) against the raw rows it counts: a season of answers with
several baselines and follow-ups per family, a follow-up before any baseline, two follow-ups
submitted at the same instant, skipped questions, declined and expired links; each figure of
`results` is recounted here, plainly, from the rows themselves."""

import random
from collections import Counter, defaultdict
from datetime import timedelta
from statistics import mean

import pytest
from django.utils import timezone

from kindred.groups.tests.factories import make_family, make_group
from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family
from kindred.surveys import results
from kindred.surveys.models import BASELINE, FOLLOW_UP, Answer, Invitation, Response
from kindred.surveys.tests.factories import answer, invite, starters

pytestmark = pytest.mark.django_db

AGREE_CODES = ("less_alone", "confident_caring", "know_where_help", "care_team")


def season(world):
    """Random but seeded: the same season every run."""
    rng = random.Random(1414)
    survey, _mentor_survey = starters(world.program_a)
    mentors = [
        matchable_mentor(world, name=f"Mentor {n}", email=f"mentor{n}@example.test")
        for n in range(2)
    ]
    group = make_group(world.program_a, world.coordinator, name="Evening circle")
    for n in range(8):
        if n < 4:
            family = waiting_family(world, name=f"Matched {n}", language="en")
            match = active_match(world, family, mentors[n % 2])
            link = {"match": match}
        else:
            family = make_family(world.program_a, world.coordinator, f"Group {n}")
            link = {"group": group}
        visits = [("intake", d) for d in rng.sample(range(100, 200), rng.randint(0, 2))]
        visits += [
            (rng.choice(["match_close", "yearly", "group_third"]), d)
            for d in rng.sample(range(1, 190), rng.randint(1, 4))
        ]
        for occasion, days in visits:
            extra = link if occasion != "intake" else {}
            invitation, _t = invite(
                survey, family=family, occasion=occasion, days_ago=days, **extra
            )
            values = {c: rng.randint(1, 5) for c in AGREE_CODES if rng.random() > 0.15}
            if occasion != "intake":
                values["satisfied_support"] = rng.randint(1, 5)
                values["would_recommend"] = rng.randint(0, 1)
                values["contact_how"] = rng.choice(["phone", "text"])
            answer(invitation, values)
    # A family's follow-ups all at one instant: the one with the highest id is the latest.
    follow = Response.objects.filter(invitation__occasion__in=FOLLOW_UP)
    counts = Counter(follow.values_list("invitation__family_id", flat=True))
    family_id = next(f for f, n in counts.items() if n >= 2)
    same = follow.filter(invitation__family_id=family_id)
    same.update(submitted_at=max(same.values_list("submitted_at", flat=True)))
    declined, _t = invite(survey, family=make_family(world.program_a, world.coordinator))
    Invitation.objects.filter(pk=declined.pk).update(declined_at=timezone.now())
    expired, _t = invite(
        survey, family=make_family(world.program_a, world.coordinator), days_ago=40
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=5))
    return survey


def raw_answers(survey):
    return list(
        Answer.objects.filter(response__invitation__survey=survey)
        .order_by("response__submitted_at", "id")
        .values(
            "id",
            "item_id",
            "item__code",
            "number",
            "choice",
            "response__submitted_at",
            "response__invitation__occasion",
            "response__invitation__family_id",
            "response__invitation__match__mentor_id",
            "response__invitation__group_id",
        )
    )


def test_the_rollup_equals_a_count_of_the_raw_rows(world) -> None:
    survey = season(world)
    rows = raw_answers(survey)
    now = timezone.now()

    rates = {r.occasion: r for r in results.response_rates(survey)}
    for occasion in {i.occasion for i in Invitation.objects.filter(survey=survey)}:
        sent = [i for i in Invitation.objects.filter(survey=survey) if i.occasion == occasion]
        rate = rates[occasion]
        assert rate.asked == len(sent)
        assert rate.answered == sum(1 for i in sent if i.answered_at)
        assert rate.declined == sum(1 for i in sent if i.declined_at)
        assert rate.expired == sum(
            1 for i in sent if not i.answered_at and not i.declined_at and i.expires_at <= now
        )

    # Paired: per family and item, the first baseline and the latest follow-up after it.
    for pair in results.paired(survey):
        mine = [r for r in rows if r["item_id"] == pair.item.pk and r["number"] is not None]
        before, after = {}, {}
        for r in mine:  # in time order, then id
            family = r["response__invitation__family_id"]
            if r["response__invitation__occasion"] in BASELINE and family not in before:
                before[family] = r
            elif r["response__invitation__occasion"] in FOLLOW_UP:
                after[family] = r
        pairs = [
            (before[f]["number"], a["number"])
            for f, a in after.items()
            if f in before and a["response__submitted_at"] > before[f]["response__submitted_at"]
        ]
        assert pair.pairs == len(pairs), pair.item.code
        if pairs:
            assert pair.baseline == pytest.approx(mean(b for b, _a in pairs))
            assert pair.follow_up == pytest.approx(mean(a for _b, a in pairs))
        else:
            assert pair.baseline is None and pair.follow_up is None
        assert pair.improved == sum(1 for b, a in pairs if a > b)
    assert any(p.pairs for p in results.paired(survey)), "the season has no pair to check"

    # Satisfaction by mentor and by group: only cells of MIN_CELL answers or more are shown.
    found = results.satisfaction(survey)
    for who, key in (("mentors", "match__mentor_id"), ("groups", "group_id")):
        cells = defaultdict(list)
        for r in rows:
            if r["item__code"] == "satisfied_support" and r[f"response__invitation__{key}"]:
                cells[r[f"response__invitation__{key}"]].append(r["number"])
        shown = {k: v for k, v in cells.items() if len(v) >= results.MIN_CELL}
        assert found[f"{who}_hidden"] == len(cells) - len(shown)
        assert sorted((c.answers, round(c.mean, 6), c.agreeing) for c in found[who]) == sorted(
            (len(v), round(mean(v), 6), sum(1 for n in v if n >= 4)) for v in shown.values()
        )
    assert found["mentors"] or found["groups"], "the season has no cell to check"

    # The spread of every closed item.
    for summary in results.item_summaries(survey):
        mine = [r for r in rows if r["item_id"] == summary["item"].pk]
        assert summary["answers"] == len(mine)
        spread = defaultdict(int)
        for r in mine:
            spread[r["choice"] or str(r["number"])] += 1
        assert sorted(n for _label, n in summary["spread"]) == sorted(spread.values())
