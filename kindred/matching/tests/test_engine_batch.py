"""Batch assignment: the objective stated in engine/batch.py, greedy, and the unmatched why."""

from kindred.matching.engine import Blocks, assign
from kindred.matching.engine.batch import bonus
from kindred.matching.tests.engine_factories import TODAY, family, mentor, only, spanish

NONE = Blocks({})
NICU = frozenset({"nicu"})


def test_it_matches_more_families_rather_than_raise_the_total():
    # Greedy gives the first family its best mentor and leaves the second without one; the
    # optimum gives each family a mentor, at a lower total: more families matched comes first.
    first = family(family_id=1, weights=only("experience"), experiences=NICU)
    second = family(
        family_id=2, weights=only("experience"), experiences=frozenset({"trach"}),
        language_needed="es",
    )  # fmt: skip
    bilingual = mentor(1, experiences=NICU, languages=frozenset({"en", "es"}), capacity_left=1)
    other = mentor(2, capacity_left=1)
    result = assign([first, second], [bilingual, other], NONE, today=TODAY)
    assert result.pairs == {1: 2, 2: 1}
    assert (result.total, result.greedy_total, result.greedy_matched) == (0, 100, 1)
    assert result.unmatched == {}


def test_at_equal_counts_it_beats_greedy_on_score():
    # Greedy (first family first) takes the mentor both want; the optimum swaps them.
    a = family(family_id=1, weights=only("experience"), experiences=frozenset({"nicu", "trach"}))
    b = family(family_id=2, weights=only("experience"), experiences=NICU)
    both = mentor(1, experiences=frozenset({"nicu", "trach"}), capacity_left=1)
    half = mentor(2, experiences=frozenset({"trach"}), capacity_left=1)
    result = assign([a, b], [both, half], NONE, today=TODAY)
    # Greedy: a-both 100 + b-half 0. Optimum: a-half 50 + b-both 100.
    assert result.pairs == {1: 2, 2: 1}
    assert (result.total, result.greedy_total, result.greedy_matched) == (150, 100, 2)
    greedy_first = assign([b, a], [both, half], NONE, today=TODAY)
    assert greedy_first.pairs == result.pairs  # the optimum does not depend on the order


def test_it_respects_places_and_says_why_a_family_is_left():
    fs = [family(family_id=i) for i in (1, 2, 3)]
    result = assign(fs, [mentor(1, capacity_left=1), mentor(2, capacity_left=1)], NONE, today=TODAY)
    assert len(result.pairs) == 2 and set(result.pairs.values()) == {1, 2}
    ((left, why),) = result.unmatched.items()
    assert why == "The places of all 2 eligible mentors went to other families."
    with spanish():
        again = assign(
            fs, [mentor(1, capacity_left=1), mentor(2, capacity_left=1)], NONE, today=TODAY
        )
        assert (
            again.unmatched[left]
            == "Las plazas de sus 2 mentores posibles fueron para otras familias."
        )


def test_a_family_no_mentor_can_take_is_told_the_closest_miss():
    f = family(family_id=9, language_needed="es")
    result = assign([f], [mentor(1, display_name="Ana")], NONE, today=TODAY)
    assert result.pairs == {}
    assert result.unmatched[9] == (
        "No mentor meets every requirement; the closest, Ana, misses one: "
        "does not speak Spanish, which the family needs"
    )
    nobody = assign([f], [mentor(1, matchable=False)], NONE, today=TODAY)
    assert nobody.unmatched[9] == "No mentor meets every requirement, and none misses only one."
    with spanish():
        assert (
            assign([f], [mentor(1, display_name="Ana")], NONE, today=TODAY)
            .unmatched[9]
            .startswith("Ningún mentor cumple todos los requisitos; a la más cercana, Ana")
        )


def test_blocked_pairs_are_never_assigned():
    f = family(family_id=1)
    result = assign([f], [mentor(1)], Blocks({(1, 1): "conflict of interest"}), today=TODAY)
    assert result.pairs == {} and "conflict of interest" in result.unmatched[1]


def test_progress_reaches_one_in_order():
    seen = []
    assign(
        [family(family_id=i) for i in range(1, 41)],
        [mentor(1)],
        NONE,
        today=TODAY,
        progress=seen.append,
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_an_empty_backlog_or_roster_is_not_an_error():
    assert assign([], [mentor(1)], NONE, today=TODAY).pairs == {}
    result = assign([family(family_id=1)], [], NONE, today=TODAY)
    assert result.pairs == {} and 1 in result.unmatched


def test_the_bonus_outweighs_any_total_of_scores():
    assert bonus(5000) > 100 * 5000
