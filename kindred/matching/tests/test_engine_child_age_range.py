"""The child's-age criterion with the mentor's own child's age range (mentors.Mentor
child_age_from / child_age_to): a family's child within the range is the same age (met, full
points); outside, the points fall with the years apart; a must-have on the child's age refuses
a mentor whose range the child is outside. Reasons in English and Spanish."""

import pytest

from kindred.matching.engine import Blocks, Level, rank
from kindred.matching.models import MatchSettings
from kindred.matching.profiles import mentor_sides
from kindred.matching.tests.engine_factories import TODAY, family, mentor, only, spanish, texts

NONE = Blocks({})


def ranked(f, *mentors):
    result = rank(f, list(mentors), NONE, today=TODAY, limit=None)
    return {r.mentor_id: r for r in result.eligible}, result


def test_a_child_within_the_range_is_the_same_age():
    f = family(weights=only("child_age"), child_ages=(4,))
    within, edge, two_out, far, unknown = (
        mentor(1, child_age_range=(2, 6)),
        mentor(2, child_age_range=(4, 4)),
        mentor(3, child_age_range=(6, 9)),
        mentor(4, child_age_range=(15, 18)),
        mentor(5),
    )
    eligible, _ = ranked(f, within, edge, two_out, far, unknown)
    assert eligible[1].score == 100 and eligible[2].score == 100
    assert eligible[3].score == 80  # 2 years below the range: 1 - 2/10
    assert eligible[4].score == 0
    assert eligible[5].score == 50  # no range, no age: unknown, half
    assert eligible[1].reasons[0].met is True
    assert eligible[3].reasons[0].met is False
    assert eligible[5].reasons[0].met is None
    assert texts(eligible[1])["child_age"] == "their child was 2 to 6 years old: the same age"
    assert texts(eligible[3])["child_age"] == "their child was 6 to 9 years old: 2 years apart"
    one_out = ranked(f, mentor(6, child_age_range=(5, 8)))[0][6]
    assert texts(one_out)["child_age"] == "their child was 5 to 8 years old: 1 year apart"
    with spanish():
        inside = ranked(f, within)[0][1]
        assert texts(inside)["child_age"] == "su hijo tenía de 2 a 6 años: la misma edad"
        outside = ranked(f, two_out)[0][3]
        assert texts(outside)["child_age"] == "su hijo tenía de 6 a 9 años: 2 años de diferencia"


def test_any_child_of_the_family_within_the_range_counts():
    f = family(weights=only("child_age"), child_ages=(15, 3))
    eligible, _ = ranked(f, mentor(1, child_age_range=(1, 4)))
    assert eligible[1].score == 100 and eligible[1].reasons[0].met is True


def test_a_must_have_on_the_childs_age_excludes_a_mentor_outside_the_range():
    f = family(weights=only("child_age", level=Level.MUST), child_ages=(10,))
    eligible, result = ranked(
        f, mentor(1, child_age_range=(8, 12)), mentor(2, child_age_range=(12, 14))
    )
    assert set(eligible) == {1}
    (excluded,) = result.excluded
    assert excluded.mentor_id == 2
    assert [v.constraint for v in excluded.violations] == ["must:child_age"]


def test_a_family_without_a_childs_age_is_not_scored_on_it():
    f = family(weights=only("child_age", "language"), child_ages=())
    eligible, _ = ranked(f, mentor(1, child_age_range=(2, 6)))
    assert [r.criterion for r in eligible[1].reasons] == ["language"]


@pytest.mark.django_db
def test_the_profile_reads_the_range_from_the_mentor(mworld):
    from kindred.mentors.models import Mentor

    ana, bea = mworld.objects["ana"], mworld.objects["bea"]
    Mentor.objects.filter(pk=ana.pk).update(child_age_from=3, child_age_to=7)
    Mentor.objects.filter(pk=bea.pk).update(child_age_from=None, child_age_to=5)
    sides = {s.mentor_id: s for s in mentor_sides(mworld.program_a, MatchSettings(), today=TODAY)}
    assert sides[ana.pk].child_age_range == (3, 7)
    assert sides[bea.pk].child_age_range == (5, 5)  # one end: one age
