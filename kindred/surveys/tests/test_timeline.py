"""Surveys on the family's story: asked (and how), answered (and by whom, from a call),
declined; never the answers; only for those who read survey results in the family's program."""

import pytest
from django.urls import reverse

from kindred.groups.tests.factories import make_family
from kindred.surveys import channels
from kindred.surveys.models import Invitation, Survey
from kindred.surveys.services import invitation_decline
from kindred.surveys.tests.factories import answer, invite, starters
from kindred.surveys.timeline import timeline_entries

pytestmark = pytest.mark.django_db


def entries_for(world, rf, persona, family):
    request = rf.get("/")
    request.user = world.users[persona]
    return timeline_entries(family, request)


def test_the_story_shows_surveys_sent_answered_and_declined(world, rf) -> None:
    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Quintero")
    emailed, _token = invite(survey, family=family, occasion="intake", days_ago=3)
    answer(emailed, {"less_alone": 2, "anything_else": "A private comment"})
    second = Survey.objects.create(
        program=world.program_a, key="second", title="Second", title_es="Segunda", audience="family"
    )
    declined, _token = invite(second, family=family, occasion="fit_check", days_ago=2)
    invitation_decline(invitation=declined)
    channels.enter_by_phone(
        survey=survey,
        family=family,
        occasion="yearly",
        answers={survey.items.get(code="less_alone").pk: {"number": 4}},
        submission_key="p" * 64,
        by=world.coordinator,
    )
    other = make_family(world.program_a, world.coordinator, "Other")
    invite(survey, family=other, occasion="intake")

    found = entries_for(world, rf, "coordinator", family)
    titles = [str(e.title) for e in sorted(found, key=lambda e: e.at)]
    assert titles == [
        "Asked a survey by e-mail",
        "Answered a survey",
        "Asked a survey by e-mail",
        "Said no to a survey",
        "Asked a survey on a phone call",
        "Answered a survey (entered from a call)",
    ]
    phone = next(e for e in found if e.kind == "survey_answered" and "call" in str(e.title))
    assert phone.by == str(world.coordinator)
    assert all("private comment" not in e.text for e in found)
    urls = {reverse("surveys:detail", args=[s.pk]) for s in (survey, second)}
    assert all(e.url in urls for e in found if e.url)
    assert len(entries_for(world, rf, "supervisor", family)) == 6
    assert Invitation.objects.filter(family=other).count() == 1


@pytest.mark.parametrize("persona", ["mentor", "evaluator", "referrer", "outsider"])
def test_only_those_who_see_surveys_see_them_on_the_story(world, rf, persona) -> None:
    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Quintero")
    invite(survey, family=family, occasion="intake")
    assert entries_for(world, rf, persona, family) == []


def test_the_family_page_shows_the_survey_entry(world) -> None:
    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Quintero")
    invite(survey, family=family, occasion="intake")
    page = world.client("coordinator").get(reverse("families:detail", args=[family.pk]))
    assert page.status_code == 200
    assert "Asked a survey by e-mail" in page.content.decode()
