"""Each hard constraint: the mentor is never eligible, and the violation says why (en, es)."""

import pytest

from kindred.matching.engine import Blocks, Level, rank
from kindred.matching.tests.engine_factories import (
    CHICAGO,
    EVANSTON,
    SPRINGFIELD,
    TODAY,
    family,
    mentor,
    spanish,
)

NONE = Blocks({})


def excluded_by(f, m, blocks=NONE):
    result = rank(f, [m], blocks, today=TODAY)
    assert result.eligible == ()
    (one,) = result.excluded
    return {v.constraint: v.text for v in one.violations}


def test_an_eligible_mentor_has_no_violation():
    result = rank(family(), [mentor()], NONE, today=TODAY)
    assert result.eligible[0].violations == () and result.excluded == ()


def test_inactive_mentor():
    assert excluded_by(family(), mentor(matchable=False)) == {
        "inactive": "not available for matching (a qualification is missing or they are paused)"
    }
    with spanish():
        assert excluded_by(family(), mentor(matchable=False))["inactive"].startswith(
            "no disponible para emparejar"
        )


def test_no_capacity_left():
    m = mentor(capacity_left=0, active_count=3)
    assert excluded_by(family(), m) == {"capacity": "no place left (already supports 3 families)"}
    with spanish():
        assert excluded_by(family(), m)["capacity"] == (
            "sin plazas libres (ya acompaña a 3 familias)"
        )


def test_readiness_rule():
    assert list(excluded_by(family(), mentor(ready=False))) == ["readiness"]
    with spanish():
        assert "preparación" in excluded_by(family(), mentor(ready=False))["readiness"]


def test_consent_to_share_with_a_mentor():
    f = family(consent_to_mentor=False)
    assert excluded_by(f, mentor()) == {
        "consent": "the family has not consented to share information with a mentor"
    }
    with spanish():
        assert "consentimiento" in excluded_by(f, mentor())["consent"]


def test_blocked_pairs_carry_their_recorded_reason():
    blocks = Blocks({(1, 7): "declined before", (2, 8): "another family's block"})
    assert excluded_by(family(), mentor(7), blocks) == {
        "blocked": "must not be matched with this family: declined before"
    }
    # A block of another family, or of another mentor, changes nothing.
    assert rank(family(), [mentor(8)], blocks, today=TODAY).eligible
    with spanish():
        assert excluded_by(family(), mentor(7), blocks)["blocked"] == (
            "no debe emparejarse con esta familia: declined before"
        )


def test_the_mentors_own_exclusions():
    f = family(situations=frozenset({"military", "single_parent"}))
    m = mentor(excluded_situations=frozenset({"military"}))
    assert excluded_by(f, m) == {
        "mentor_exclusion": "would rather not support a family with military family"
    }
    assert rank(family(), [m], NONE, today=TODAY).eligible  # a family not in that situation
    with spanish():
        assert excluded_by(f, m)["mentor_exclusion"].startswith("prefiere no acompañar")


def test_language_when_the_family_needs_it():
    f = family(language_needed="es", languages=frozenset({"es"}))
    assert excluded_by(f, mentor()) == {
        "language": "does not speak Spanish, which the family needs"
    }
    assert rank(f, [mentor(languages=frozenset({"en", "es"}))], NONE, today=TODAY).eligible
    with spanish():
        assert excluded_by(f, mentor())["language"].endswith("que la familia necesita")


def test_language_wished_but_not_needed_is_only_weighed():
    f = family(languages=frozenset({"es"}))
    (one,) = rank(f, [mentor()], NONE, today=TODAY).eligible
    assert any(r.criterion == "language" and r.met is False for r in one.reasons)


def test_in_person_only_within_the_mentors_travel_distance():
    f = family(in_person=True, point=CHICAGO)
    assert rank(f, [mentor(point=EVANSTON, travel_miles=15)], NONE, today=TODAY).eligible
    assert excluded_by(f, mentor(point=EVANSTON, travel_miles=10)) == {
        "distance": "12 miles away, farther than the 10 miles they will travel"
    }
    assert excluded_by(f, mentor(point=SPRINGFIELD, travel_miles=100))["distance"].startswith(
        "180 miles away"
    )
    assert excluded_by(f, mentor(point=EVANSTON))["distance"] == (
        "has not said how far they will travel to meet in person"
    )
    assert "mentor's ZIP" in excluded_by(f, mentor(travel_miles=50))["distance"]
    nowhere = family(in_person=True)
    assert "their ZIP" in excluded_by(nowhere, mentor(point=EVANSTON, travel_miles=50))["distance"]
    # Not in person: distance is only weighed.
    assert rank(family(point=CHICAGO), [mentor(point=SPRINGFIELD)], NONE, today=TODAY).eligible
    with spanish():
        assert excluded_by(f, mentor(point=EVANSTON, travel_miles=10))["distance"] == (
            "a 12 millas, más lejos de las 10 millas que está dispuesto a viajar"
        )


@pytest.mark.parametrize(
    ("criterion", "wants", "meets", "misses"),
    [
        ("language", {"languages": frozenset({"fr"})}, {"languages": frozenset({"fr"})}, {}),
        (
            "condition",
            {"condition_categories": frozenset({"heart"})},
            {"condition_categories": frozenset({"heart"})},
            {},
        ),
        (
            "experience",
            {"experiences": frozenset({"nicu"})},
            {"experiences": frozenset({"nicu"})},
            {},
        ),
        (
            "treatment",
            {"treatments": frozenset({"ventilator"})},
            {"treatments": frozenset({"ventilator"})},
            {},
        ),
        (
            "care_setting",
            {"care_settings": frozenset({"picu"})},
            {"care_settings": frozenset({"picu"})},
            {},
        ),
        ("child_age", {"child_ages": (5,)}, {"child_ages": (7,)}, {"child_ages": (12,)}),
        ("distance", {"point": CHICAGO}, {"point": EVANSTON}, {"point": SPRINGFIELD}),
        ("gender", {"gender_wanted": "female"}, {"gender": "Female"}, {"gender": "male"}),
        ("culture", {"culture_wanted": "Hmong"}, {"culture": "hmong"}, {}),
        (
            "family_situation",
            {"situations": frozenset({"military"})},
            {"situations": frozenset({"military"})},
            {},
        ),
        ("recency", {}, {"experience_year": 2023}, {"experience_year": 2010}),
        (
            "load",
            {},
            {"active_count": 0},
            {"active_count": 3, "capacity_left": 1},
        ),
    ],
)
def test_a_must_have_is_a_hard_constraint(criterion, wants, meets, misses):
    f = family(weights={criterion: Level.MUST}, **wants)
    assert rank(f, [mentor(**meets)], NONE, today=TODAY).eligible
    violations = excluded_by(f, mentor(**misses))
    assert list(violations) == [f"must:{criterion}"]
    assert violations[f"must:{criterion}"].startswith("a must-have is not met: ")
    with spanish():
        assert excluded_by(f, mentor(**misses))[f"must:{criterion}"].startswith(
            "no se cumple un requisito imprescindible: "
        )


def test_a_must_have_the_family_has_nothing_for_is_not_a_constraint():
    f = family(weights={"experience": Level.MUST, "gender": Level.MUST})
    assert rank(f, [mentor()], NONE, today=TODAY).eligible


def test_excluded_come_closest_first_and_closest_lists_the_one_constraint_missed():
    f = family(language_needed="es")
    one_miss = mentor(1, languages=frozenset({"en"}))
    two_miss = mentor(2, matchable=False)
    three_miss = mentor(3, matchable=False, ready=False, capacity_left=0)
    result = rank(f, [three_miss, two_miss, one_miss], NONE, today=TODAY)
    assert result.eligible == ()
    assert [r.mentor_id for r in result.excluded] == [1, 2, 3]
    assert [r.mentor_id for r in result.closest] == [1]
    assert [v.constraint for v in result.closest[0].violations] == ["language"]


def test_closest_is_empty_while_someone_is_eligible():
    f = family(language_needed="es")
    result = rank(f, [mentor(1), mentor(2, languages=frozenset({"es"}))], NONE, today=TODAY)
    assert [r.mentor_id for r in result.eligible] == [2] and result.closest == ()
