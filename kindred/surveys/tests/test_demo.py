import pytest
from django.core.management import call_command

from kindred.surveys.models import Answer, Invitation, Response, Survey
from kindred.surveys.results import paired, response_rates

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_season_of_answers_and_loads_twice_the_same() -> None:
    call_command("load_demo", "--quiet-logins")
    counts = (Invitation.objects.count(), Response.objects.count(), Answer.objects.count())
    call_command("load_demo", "--quiet-logins")
    assert (Invitation.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    assert counts[1] >= 20
    family = Survey.objects.get(key="family-feedback")
    occasions = {r.occasion for r in response_rates(family)}
    assert {"intake", "fit_check", "group_third"} <= occasions
    assert any(p.pairs for p in paired(family))  # baselines pair with follow-ups
    assert Invitation.objects.filter(declined_at__isnull=False).exists()
