"""Roster coverage: demand minus the open places of mentors who have it, sorted by shortfall."""

from kindred.matching.engine import coverage
from kindred.matching.tests.engine_factories import (
    CHICAGO,
    EVANSTON,
    LABELS,
    family,
    mentor,
    spanish,
)

TRACH = frozenset({"trach"})
ZIP = {**LABELS, "zip": "60601"}


def spanish_trach_families(n):
    return [
        family(
            family_id=i,
            language_needed="es",
            experiences=TRACH,
            in_person=True,
            point=CHICAGO,
            labels=ZIP,
        )
        for i in range(1, n + 1)
    ]


def test_it_names_the_combined_need_the_roster_cannot_meet():
    roster = [
        mentor(1, languages=frozenset({"es"}), capacity_left=3),  # Spanish, no trach
        mentor(2, experiences=TRACH, capacity_left=1),  # trach, English only
    ]
    gaps = coverage(spanish_trach_families(7), roster)
    by_need = {tuple(sorted(g.need.items())): g for g in gaps}
    combined = by_need[(("area", "60601"), ("experience", "trach"), ("language", "es"))]
    assert (combined.families, combined.open_places) == (7, 0)
    assert combined.text == (
        "7 families want a mentor who speaks Spanish, with experience of a tracheostomy, "
        "who can meet in person near 60601; 0 open places"
    )
    assert by_need[(("language", "es"),)].open_places == 3
    assert by_need[(("experience", "trach"),)].open_places == 1
    shortfalls = [g.families - g.open_places for g in gaps]
    assert shortfalls == sorted(shortfalls, reverse=True)
    with spanish():
        (text,) = [g.text for g in coverage(spanish_trach_families(7), roster) if len(g.need) == 3]
        assert text == (
            "7 familias buscan un mentor que hable español, con experiencia de a tracheostomy, "
            "que pueda reunirse en persona cerca de 60601; 0 plazas libres"
        )


def test_a_need_met_by_enough_open_places_is_no_gap():
    roster = [
        mentor(
            1,
            languages=frozenset({"es"}),
            experiences=TRACH,
            point=EVANSTON,
            travel_miles=20,
            capacity_left=2,
        )
    ]
    assert coverage(spanish_trach_families(2), roster) == []
    (gap, *_rest) = coverage(spanish_trach_families(3), roster)
    assert (gap.families, gap.open_places) == (3, 2)


def test_only_matchable_ready_mentors_places_count():
    roster = [
        mentor(1, experiences=TRACH, capacity_left=5, matchable=False),
        mentor(2, experiences=TRACH, capacity_left=5, ready=False),
        mentor(3, experiences=TRACH, capacity_left=0),
    ]
    (gap,) = coverage([family(family_id=1, experiences=TRACH)], roster)
    assert (gap.need, gap.open_places) == ({"experience": "trach"}, 0)
    assert gap.text == "1 family wants a mentor with experience of a tracheostomy; 0 open places"


def test_an_area_counts_the_mentors_who_travel_that_far():
    f = family(family_id=1, in_person=True, point=CHICAGO, labels=ZIP)
    near_but_stays_home = mentor(1, point=EVANSTON, travel_miles=5)
    (gap,) = coverage([f], [near_but_stays_home])
    assert gap.need == {"area": "60601"}
    assert coverage([f], [mentor(1, point=EVANSTON, travel_miles=15)]) == []
