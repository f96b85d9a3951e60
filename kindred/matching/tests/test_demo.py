from collections import Counter

from kindred.core.demo import build_base
from kindred.matching import demo as matching_demo
from kindred.matching.models import Match
from kindred.matching.waiting import waiting_families
from kindred.mentors import demo as mentors_demo
from kindred.referrals import demo as referrals_demo


def test_it_loads_matches_in_every_state_once(db):
    ctx = build_base(password="demo-password-for-tests")
    referrals_demo.load(ctx)
    mentors_demo.load(ctx)
    matching_demo.load(ctx)
    matching_demo.load(ctx)
    statuses = Counter(Match.objects.values_list("status", flat=True))
    assert set(statuses) >= set(Match.Status.values) - {"approved"}, statuses
    assert Match.objects.count() == len(matching_demo.FAMILIES) - 2
    waiting = waiting_families(ctx.program)
    assert any(w.overdue for w in waiting) and any(not w.overdue for w in waiting)
