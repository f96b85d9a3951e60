from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from kindred.referrals.conference import next_meeting
from kindred.referrals.models import ConferenceItem, ConferenceSuggestion


def test_it_puts_a_family_on_the_case_conference_list_and_collects_suggestions(
    world, referral, django_assert_max_num_queries
):
    on = next_meeting()
    coordinator = world.client("coordinator")
    response = coordinator.post(
        reverse("referrals:conference_add", args=[referral.pk]),
        {"conference-meeting_on": on.isoformat(), "conference-topic": "New diagnosis, dad worried"},
    )
    assert response.status_code == 302
    item = ConferenceItem.objects.get()
    assert item.family == referral.family and item.program == world.program_a
    supervisor = world.client("supervisor")
    supervisor.post(
        reverse("referrals:conference_suggest", args=[item.pk]),
        {f"s{item.pk}-text": "Invite to the dads' group"},
    )
    assert ConferenceSuggestion.objects.get().by == world.supervisor
    with django_assert_max_num_queries(14):
        page = coordinator.get(reverse("referrals:conference"), {"on": on.isoformat()})
    body = page.content.decode()
    assert "New diagnosis, dad worried" in body and "Invite to the dads&#x27; group" in body


def test_it_refuses_a_past_date_and_a_second_entry_for_the_same_meeting(world, referral):
    coordinator = world.client("coordinator")
    url = reverse("referrals:conference_add", args=[referral.pk])
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = coordinator.post(
        url, {"conference-meeting_on": past, "conference-topic": "Feeding tube worries"}
    )
    # The referral's page again, the topic kept, the error next to the date.
    assert response.status_code == 400
    assert response.context["conference_form"].errors["meeting_on"] == [
        "Choose today or a later date."
    ]
    assert "Feeding tube worries" in response.content.decode()
    assert not ConferenceItem.objects.exists()
    on = next_meeting().isoformat()
    coordinator.post(url, {"conference-meeting_on": on, "conference-topic": "first"})
    response = coordinator.post(url, {"conference-meeting_on": on, "conference-topic": "again"})
    assert response.status_code == 400
    assert response.context["conference_form"].errors["meeting_on"] == [
        "This family is already on that conference's list."
    ]
    assert ConferenceItem.objects.count() == 1


def test_it_shows_a_missing_date_once_next_to_the_field(world, referral):
    import re

    response = world.client("coordinator").post(
        reverse("referrals:conference_add", args=[referral.pk]),
        {"conference-meeting_on": "", "conference-topic": "Feeding tube worries"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("This field is required.") == 1
    # Inside the date's own field block, named by the input's aria-describedby, in a panel
    # that is open (a closed one would hide it).
    field = re.search(r'<div class="field has-error">(.*?)</div>', page, re.S)
    assert field and 'name="conference-meeting_on"' in field.group(1)
    assert 'aria-describedby="id_conference-meeting_on_error"' in field.group(1)
    assert "This field is required." in field.group(1)
    assert re.search(r'<details class="panel no-print" open>\s*<summary>Put on the case', page)
    assert not ConferenceItem.objects.exists()


def test_it_keeps_the_agenda_when_a_suggestion_is_empty(world, referral):
    item = ConferenceItem.objects.create(
        program=world.program_a,
        family=referral.family,
        meeting_on=next_meeting(),
        topic="New diagnosis",
        added_by=world.coordinator,
    )
    response = world.client("supervisor").post(
        reverse("referrals:conference_suggest", args=[item.pk]), {f"s{item.pk}-text": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a suggestion first." in page and "New diagnosis" in page
    assert not ConferenceSuggestion.objects.exists()


def test_it_validates_ownership_of_the_conference_list(world, referral):
    item = ConferenceItem.objects.create(
        program=world.program_a,
        family=referral.family,
        meeting_on=next_meeting(),
        topic="Private topic",
        added_by=world.coordinator,
    )
    outsider = world.client("outsider")
    response = outsider.post(
        reverse("referrals:conference_suggest", args=[item.pk]), {f"s{item.pk}-text": "Hi"}
    )
    assert response.status_code == 404
    response = outsider.post(
        reverse("referrals:conference_add", args=[referral.pk]),
        {"conference-meeting_on": next_meeting().isoformat(), "conference-topic": "x"},
    )
    assert response.status_code == 404
    assert "Private topic" not in outsider.get(reverse("referrals:conference")).content.decode()
    assert not ConferenceSuggestion.objects.exists()
    # A mentor of program A has no place at the conference either.
    assert world.client("mentor").get(reverse("referrals:conference")).status_code == 403
