import pytest
from django.urls import reverse

from kindred.groups.tests.factories import make_family
from kindred.surveys.tests.factories import answer, invite, starters

pytestmark = pytest.mark.django_db


def test_the_coordinators_home_shows_the_last_30_days_of_feedback(world) -> None:
    survey, _ = starters(world.program_a)
    for n in range(3):
        invitation, _t = invite(survey, family=make_family(world.program_a, world.coordinator))
        if n:
            answer(invitation, {"less_alone": 4})
    page = world.client("coordinator").get(reverse("core:home")).content.decode()
    assert "Feedback from families and mentors" in page
    assert "3 surveys sent, 2 answered (67%)" in page
    assert (
        "Feedback from families"
        not in world.client("supervisor").get(reverse("core:home")).content.decode()
    )
    # Program B's coordinator sees program B's card, with nothing of program A's.
    outsider = world.client("outsider").get(reverse("core:home")).content.decode()
    assert "0 surveys sent, 0 answered" in outsider
