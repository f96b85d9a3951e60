"""Each weighted criterion of the ranking: its score, its reason in English and Spanish."""

import pytest

from kindred.matching.engine import Blocks, Level, rank
from kindred.matching.tests.engine_factories import (
    CHICAGO,
    EVANSTON,
    SPRINGFIELD,
    TODAY,
    family,
    mentor,
    only,
    spanish,
    texts,
)

NONE = Blocks({})


def ranked(f, *mentors):
    return {r.mentor_id: r for r in rank(f, list(mentors), NONE, today=TODAY).eligible}


def reason(f, m, criterion):
    (one,) = rank(f, [m], NONE, today=TODAY).eligible
    return next(r for r in one.reasons if r.criterion == criterion)


def test_it_scores_100_when_every_counted_criterion_matches():
    f = family(weights=only("language", "experience"), experiences=frozenset({"nicu"}))
    m = mentor(experiences=frozenset({"nicu"}))
    (one,) = rank(f, [m], NONE, today=TODAY).eligible
    assert one.score == 100
    assert sum(r.points for r in one.reasons) == pytest.approx(100, abs=0.2)


def test_it_normalises_over_the_criteria_not_ignored():
    f = family(weights=only("experience"), experiences=frozenset({"nicu", "trach"}))
    m = mentor(experiences=frozenset({"nicu"}), languages=frozenset({"fr"}))
    (one,) = rank(f, [m], NONE, today=TODAY).eligible
    assert one.score == 50  # half the experiences; language ignored so not counted
    assert [r.criterion for r in one.reasons] == ["experience"]


def test_it_weighs_a_high_criterion_more_than_a_low_one():
    f = family(
        weights={**only(), "experience": Level.HIGH, "language": Level.LOW},
        experiences=frozenset({"nicu"}),
    )
    speaks = mentor(1, languages=frozenset({"en"}))
    shares = mentor(2, languages=frozenset({"fr"}), experiences=frozenset({"nicu"}))
    result = ranked(f, speaks, shares)
    assert result[2].score == 75 and result[1].score == 25


def test_language_reason_in_english_and_spanish():
    f = family(weights=only("language"), languages=frozenset({"es"}))
    assert reason(f, mentor(languages=frozenset({"es", "en"})), "language").text == (
        "both speak Spanish"
    )
    miss = reason(f, mentor(languages=frozenset({"en"})), "language")
    assert (miss.met, miss.text) == (False, "does not speak Spanish")
    with spanish():
        assert reason(f, mentor(languages=frozenset({"es"})), "language").text == (
            "ambos hablan español"
        )
        assert reason(f, mentor(), "language").text == "no habla español"


def test_language_uses_the_one_list_of_codes_macrolanguage_included():
    f = family(weights=only("language"), languages=frozenset({"yue"}))
    assert reason(f, mentor(languages=frozenset({"zh"})), "language").met is True
    assert reason(f, mentor(languages=frozenset({"cmn"})), "language").met is False


def test_condition_same_code_beats_same_category_beats_none():
    f = family(
        weights=only("condition"),
        conditions=frozenset({"hlhs"}),
        condition_categories=frozenset({"heart"}),
    )
    code = mentor(1, conditions=frozenset({"hlhs"}), condition_categories=frozenset({"heart"}))
    category = mentor(2, conditions=frozenset({"tof"}), condition_categories=frozenset({"heart"}))
    neither = mentor(3, conditions=frozenset({"t21"}))
    result = ranked(f, code, category, neither)
    assert (result[1].score, result[2].score, result[3].score) == (100, 50, 0)
    assert texts(result[1])["condition"] == "also has a child with hypoplastic left heart syndrome"
    assert texts(result[2])["condition"] == (
        "a child with a condition of the same kind (heart conditions)"
    )
    assert texts(result[3])["condition"] == "no child with hypoplastic left heart syndrome"
    with spanish():
        assert reason(f, code, "condition").text.startswith("también tiene un hijo o una hija")
        assert reason(f, neither, "condition").text.startswith("ningún hijo o hija")


def test_experience_reason_names_what_is_shared_and_what_is_not():
    f = family(weights=only("experience"), experiences=frozenset({"nicu", "trach"}))
    both = reason(f, mentor(experiences=frozenset({"nicu", "trach"})), "experience")
    part = reason(f, mentor(experiences=frozenset({"trach"})), "experience")
    none = reason(f, mentor(), "experience")
    assert both.met and both.text == "shared experience of a NICU stay, a tracheostomy"
    assert part.text == "shared experience of a tracheostomy; not of a NICU stay"
    assert none.met is False
    assert none.text == "no shared experience of a NICU stay, a tracheostomy"
    with spanish():
        assert reason(f, mentor(), "experience").text == (
            "sin experiencia compartida de a NICU stay, a tracheostomy"
        )  # the labels are given in the reader's language by the caller


@pytest.mark.parametrize(
    ("criterion", "attribute", "english", "spanish_start"),
    [
        ("treatment", "treatments", "also knows the treatment: a ventilator", "también conoce"),
        ("care_setting", "care_settings", "also knows the care setting: home nursing", "también"),
        ("family_situation", "situations", "a family situation in common: single parent", "una"),
    ],
)
def test_set_criteria(criterion, attribute, english, spanish_start):
    code = {"treatments": "ventilator", "care_settings": "home_nursing"}.get(
        attribute, "single_parent"
    )
    f = family(weights=only(criterion), **{attribute: frozenset({code})})
    yes = mentor(1, **{attribute: frozenset({code})})
    no = mentor(2)
    result = ranked(f, yes, no)
    assert (result[1].score, result[2].score) == (100, 0)
    assert texts(result[1])[criterion] == english
    assert result[2].reasons[0].met is False
    with spanish():
        assert reason(f, yes, criterion).text.startswith(spanish_start)


def test_child_age_closer_scores_higher():
    f = family(weights=only("child_age"), child_ages=(4,))
    same, two, twelve, unknown = (
        mentor(1, child_ages=(4,)),
        mentor(2, child_ages=(9, 6)),
        mentor(3, child_ages=(16,)),
        mentor(4),
    )
    result = ranked(f, same, two, twelve, unknown)
    assert result[1].score == 100 and result[2].score == 80 and result[3].score == 0
    assert result[4].score == 50  # unknown: half, neither match nor mismatch
    assert texts(result[1])["child_age"] == "their child was the same age"
    assert texts(result[2])["child_age"] == "children 2 years apart in age"
    assert result[4].reasons[0].met is None
    with spanish():
        assert reason(f, two, "child_age").text == "hijos con 2 años de diferencia de edad"


def test_distance_nearer_scores_higher_and_reads_in_miles():
    f = family(weights=only("distance"), point=CHICAGO)
    near, far, unknown = mentor(1, point=EVANSTON), mentor(2, point=SPRINGFIELD), mentor(3)
    result = ranked(f, near, far, unknown)
    assert result[1].score > result[3].score > result[2].score == 0
    assert texts(result[1])["distance"] == "12 miles away"
    assert texts(result[3])["distance"] == "distance not known"
    with spanish():
        assert reason(f, near, "distance").text == "a 12 millas"


def test_gender_and_culture_count_only_when_the_family_asked():
    asked = family(weights=only("gender", "culture"), gender_wanted="Female", culture_wanted="")
    m = mentor(gender="female", culture="Latina")
    (one,) = rank(asked, [m], NONE, today=TODAY).eligible
    assert [r.criterion for r in one.reasons] == ["gender"]  # culture not asked: not counted
    assert one.score == 100 and one.reasons[0].text == "the gender asked for (Female)"
    other = reason(asked, mentor(gender="male"), "gender")
    assert other.met is False and other.text == "not the gender asked for (Female)"
    blank = family(weights=only("gender"))
    assert rank(blank, [m], NONE, today=TODAY).eligible[0].reasons == ()
    culture = family(weights=only("culture"), culture_wanted="Latina")
    assert reason(culture, m, "culture").text == "the culture asked for (Latina)"
    with spanish():
        assert reason(culture, m, "culture").text == "la cultura pedida (Latina)"


def test_recency_prefers_a_recent_experience():
    f = family(weights=only("recency"))
    recent, old, unknown = (
        mentor(1, experience_year=2025),
        mentor(2, experience_year=2000),
        mentor(3),
    )
    result = ranked(f, recent, old, unknown)
    assert result[1].score == 100 and result[2].score == 0 and result[3].score == 50
    assert texts(result[1])["recency"] == "their experience was 1 year ago (2025)"
    with spanish():
        assert reason(f, old, "recency").text == "su experiencia fue hace 26 años (2000)"


def test_load_spreads_families_over_mentors():
    f = family(weights=only("load"))
    free, busy = (
        mentor(1, active_count=0, capacity_left=3),
        mentor(2, active_count=2, capacity_left=1),
    )
    result = rank(f, [busy, free], NONE, today=TODAY)
    assert [r.mentor_id for r in result.eligible] == [1, 2]
    assert texts(result.eligible[0])["load"] == "supports no family at the moment"
    assert texts(result.eligible[1])["load"] == "already supports 2 families"
    with spanish():
        assert reason(f, busy, "load").text == "ya acompaña a 2 familias"


def test_ties_go_to_the_lower_load_then_the_lower_id():
    f = family(weights=only("language"))
    result = rank(
        f,
        [mentor(3, active_count=1), mentor(2, active_count=1), mentor(1, active_count=2)],
        NONE,
        today=TODAY,
    )
    assert [r.mentor_id for r in result.eligible] == [2, 3, 1]


def test_a_family_with_every_criterion_ignored_scores_zero_without_failing():
    f = family(weights=only())
    (one,) = rank(f, [mentor()], NONE, today=TODAY).eligible
    assert one.score == 0 and one.reasons == ()


def test_the_limit_bounds_the_rows_built():
    f = family()
    mentors = [mentor(i) for i in range(1, 51)]
    assert len(rank(f, mentors, NONE, today=TODAY, limit=5).eligible) == 5
    assert len(rank(f, mentors, NONE, today=TODAY, limit=None).eligible) == 50
