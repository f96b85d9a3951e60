"""Property tests of the engine (Hypothesis): on random small rosters and backlogs,
- no proposal ever breaks a hard constraint (checked by a plain-Python reference, written apart
  from the vectorised code) or a mentor's places;
- the batch is never worse than greedy (more families matched, or as many with a total at
  least as high);
- the batch equals a brute-force optimum: most families matched, then the highest total.
"""

import itertools
import math
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.lib.languages import related_codes
from kindred.matching.engine import Blocks, Level, assign, rank
from kindred.matching.engine.batch import eligible_pairs
from kindred.matching.engine.criteria import AGE_NEAR, DISTANCE_NEAR
from kindred.matching.engine.matrix import MentorMatrix
from kindred.matching.tests.engine_factories import TODAY, family, mentor

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
POINTS = [None, (41.88, -87.62), (42.05, -87.69), (41.6, -87.5), (39.78, -89.65)]
LANGS = ["en", "es", "zh", "yue", "cmn"]
EXPERIENCES = ["nicu", "trach", "gtube"]
SITUATIONS = ["military", "single_parent", "rural"]
MUSTABLE = ["language", "experience", "gender", "distance", "child_age"]


def codes(pool, max_size=2):
    return st.frozensets(st.sampled_from(pool), max_size=max_size)


@st.composite
def families(draw, family_id):
    weights = {c: draw(st.sampled_from(list(Level))) for c in MUSTABLE}
    weights |= {
        c: draw(st.sampled_from([Level.IGNORE, Level.LOW, Level.HIGH]))
        for c in ("load", "recency", "family_situation")
    }
    return family(
        family_id=family_id,
        weights=weights,
        languages=draw(codes(LANGS)),
        language_needed=draw(st.sampled_from([None, None, "es", "yue", "zh"])),
        experiences=draw(codes(EXPERIENCES)),
        child_ages=tuple(draw(st.lists(st.integers(0, 18), max_size=2))),
        point=draw(st.sampled_from(POINTS)),
        in_person=draw(st.booleans()),
        gender_wanted=draw(st.sampled_from(["", "", "female", "male"])),
        situations=draw(codes(SITUATIONS)),
        consent_to_mentor=draw(st.sampled_from([True, True, True, False])),
    )


@st.composite
def mentors(draw, mentor_id, max_capacity=2):
    return mentor(
        mentor_id,
        matchable=draw(st.sampled_from([True, True, True, False])),
        ready=draw(st.sampled_from([True, True, True, False])),
        capacity_left=draw(st.integers(0, max_capacity)),
        active_count=draw(st.integers(0, 3)),
        languages=draw(codes(LANGS, 3)),
        experiences=draw(codes(EXPERIENCES)),
        child_ages=tuple(draw(st.lists(st.integers(0, 30), max_size=2))),
        child_age_range=draw(
            st.one_of(
                st.none(),
                st.tuples(st.integers(0, 26), st.integers(0, 26)).map(lambda t: tuple(sorted(t))),
            )
        ),
        point=draw(st.sampled_from(POINTS)),
        travel_miles=draw(st.sampled_from([None, 5, 20, 60, 250])),
        gender=draw(st.sampled_from(["", "Female", "male"])),
        experience_year=draw(st.sampled_from([None, 2001, 2019, 2024])),
        excluded_situations=draw(codes(SITUATIONS, 1)),
    )


@st.composite
def instances(draw, max_families=6, max_mentors=4):
    fs = [draw(families(i)) for i in range(1, draw(st.integers(1, max_families)) + 1)]
    ms = [draw(mentors(100 + i)) for i in range(draw(st.integers(1, max_mentors)))]
    pairs = draw(
        st.sets(
            st.tuples(
                st.sampled_from([f.family_id for f in fs]),
                st.sampled_from([m.mentor_id for m in ms]),
            ),
            max_size=3,
        )
    )
    return fs, ms, Blocks(dict.fromkeys(pairs, "declined before"))


def miles(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 3958.8 * math.asin(min(1.0, math.sqrt(h)))


def speaks(m, wanted):
    return any(theirs in related_codes(code) for code in wanted for theirs in m.languages)


def hard_ok(f, m, blocks) -> bool:
    """The issue's hard constraints, written plainly, one mentor at a time."""
    if not (m.matchable and m.ready and m.capacity_left > 0 and f.consent_to_mentor):
        return False
    if (f.family_id, m.mentor_id) in blocks.pairs or f.situations & m.excluded_situations:
        return False
    if f.language_needed and not speaks(m, {f.language_needed}):
        return False
    if f.in_person and not (
        f.point
        and m.point
        and m.travel_miles is not None
        and miles(f.point, m.point) <= m.travel_miles
    ):
        return False
    must = {c for c, level in f.weights.items() if level == Level.MUST}
    wanted = {f.language_needed} if f.language_needed else f.languages
    if "language" in must and wanted and not speaks(m, wanted):
        return False
    if "experience" in must and f.experiences and not f.experiences & m.experiences:
        return False
    if "gender" in must and f.gender_wanted and f.gender_wanted.casefold() != m.gender.casefold():
        return False
    if (
        "distance" in must
        and f.point
        and not (m.point and miles(f.point, m.point) <= DISTANCE_NEAR)
    ):
        return False
    close_in_age = any(abs(a - b) <= AGE_NEAR for a in f.child_ages for b in m.child_ages) or (
        m.child_age_range is not None
        and any(m.child_age_range[0] <= a <= m.child_age_range[1] for a in f.child_ages)
    )
    return "child_age" not in must or not f.child_ages or close_in_age


@SETTINGS
@given(instances(max_families=3, max_mentors=6))
def test_ranking_agrees_with_the_reference_hard_constraints(instance):
    fs, ms, blocks = instance
    for f in fs:
        result = rank(f, ms, blocks, today=TODAY, limit=None)
        assert {r.mentor_id for r in result.eligible} == {
            m.mentor_id for m in ms if hard_ok(f, m, blocks)
        }
        assert all(r.violations for r in result.excluded)
        assert all(0 <= r.score <= 100 for r in result.eligible + result.excluded)
        scores = [r.score for r in result.eligible]
        assert scores == sorted(scores, reverse=True)
        if result.eligible:
            assert result.closest == ()
        else:
            assert all(len(r.violations) == 1 for r in result.closest)


def brute_force(fs, ms, blocks):
    """(matched, total) of the best assignment, by trying every one."""
    options = []
    for f in fs:
        scores = {
            r.mentor_id: r.score for r in rank(f, ms, blocks, today=TODAY, limit=None).eligible
        }
        options.append([(None, 0), *scores.items()])
    capacity = {m.mentor_id: m.capacity_left for m in ms}
    best = (0, 0)
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        for mentor_id, _score in choice:
            if mentor_id is not None:
                used[mentor_id] = used.get(mentor_id, 0) + 1
        if any(count > capacity[m] for m, count in used.items()):
            continue
        value = (sum(1 for m, _s in choice if m is not None), sum(s for _m, s in choice))
        best = max(best, value)
    return best


@SETTINGS
@given(instances())
def test_the_batch_respects_constraints_and_places_and_equals_brute_force(instance):
    fs, ms, blocks = instance
    seen = []
    result = assign(fs, ms, blocks, today=TODAY, progress=seen.append)
    by_id = {m.mentor_id: m for m in ms}
    for family_id, mentor_id in result.pairs.items():
        f = next(f for f in fs if f.family_id == family_id)
        assert hard_ok(f, by_id[mentor_id], blocks)
    for mentor_id, m in by_id.items():
        assert list(result.pairs.values()).count(mentor_id) <= m.capacity_left
    assert set(result.pairs) | set(result.unmatched) == {f.family_id for f in fs}
    assert not set(result.pairs) & set(result.unmatched)
    assert result.total == sum(result.scores.values())
    assert (len(result.pairs), result.total) == brute_force(fs, ms, blocks)
    # Never worse than greedy: more families matched, or as many with no lower total.
    assert (len(result.pairs), result.total) >= (result.greedy_matched, result.greedy_total)
    assert seen[-1] == 1.0 and seen == sorted(seen)


@SETTINGS
@given(instances(max_families=12, max_mentors=6))
def test_the_batch_total_is_never_below_greedy_when_as_many_families_are_matched(instance):
    fs, ms, blocks = instance
    result = assign(fs, ms, blocks, today=TODAY)
    assert len(result.pairs) >= result.greedy_matched
    if len(result.pairs) == result.greedy_matched:
        assert result.total >= result.greedy_total


@SETTINGS
@given(instances(max_families=7, max_mentors=6))
def test_the_batch_scores_pairs_exactly_as_the_ranking_does(instance):
    fs, ms, blocks = instance
    with mock.patch("kindred.matching.engine.batch.CHUNK", 3):  # several chunks
        pairs = eligible_pairs(fs, MentorMatrix(ms), blocks, today=TODAY)
    for index, f in enumerate(fs):
        ranked = rank(f, ms, blocks, today=TODAY, limit=None).eligible
        assert [ms[row].mentor_id for row in pairs.preference[index]] == [
            r.mentor_id for r in ranked
        ]
        assert list(pairs.preference_score[index]) == [r.score for r in ranked]
        assert (index in pairs.why_none) == (not ranked)
