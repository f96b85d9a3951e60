"""Follow-ups: on the mentor's home page overdue first, done once, reminded once by e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kindred.encounters.models import FollowUp
from kindred.encounters.reminders import send_follow_up_reminders
from kindred.encounters.services import follow_up_add
from kindred.encounters.tests.factories import logged

pytestmark = pytest.mark.django_db


def _follow_ups(eworld, *days: int) -> list[FollowUp]:
    encounter = logged(eworld)
    today = timezone.localdate()
    return [
        follow_up_add(
            encounter=encounter,
            description=f"Follow-up in {d} days",
            due_on=today + timedelta(days=d),
            mentor=eworld.objects["ana"],
            by=eworld.mentor,
        )
        for d in days
    ]


def test_the_home_page_lists_follow_ups_overdue_first_with_a_log_button(eworld) -> None:
    _follow_ups(eworld, 3, -2, 0, -5)
    page = eworld.client("mentor").get(reverse("core:home"))
    html = page.content.decode()
    assert reverse("encounters:new") in html and "Log a contact" in html
    order = [html.index(f"Follow-up in {d} days") for d in (-5, -2, 0, 3)]
    assert order == sorted(order)
    assert "Overdue" in html


def test_a_follow_up_is_done_once(eworld) -> None:
    (follow_up,) = _follow_ups(eworld, 0)
    client = eworld.client("mentor")
    url = reverse("encounters:follow_up_done", args=[follow_up.pk])
    assert client.post(url, {"next": reverse("encounters:me")}).status_code == 302
    follow_up.refresh_from_db()
    first = follow_up.done_at
    assert first is not None and follow_up.done_by == eworld.mentor
    assert client.post(url, {"next": "https://evil.test/"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at == first
    assert eworld.client("outsider").post(url).status_code == 404
    assert eworld.client("supervisor").post(url).status_code == 403


def test_reminders_are_sent_once_per_follow_up(eworld, django_capture_on_commit_callbacks) -> None:
    _follow_ups(eworld, -1, 0, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders() == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mentor@a.test"]
    assert "2 follow-ups" in message.body and reverse("encounters:follow_ups") in message.body
    assert "Quintero" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders() == 0
        call_command("send_follow_up_reminders")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(timezone.localdate() + timedelta(days=2)) == 1
    assert len(mail.outbox) == 2


def test_done_and_in_error_follow_ups_are_not_reminded(eworld) -> None:
    from kindred.encounters.services import encounter_mark_error, follow_up_done

    done, in_error = _follow_ups(eworld, 0, 0)
    follow_up_done(follow_up=done, by=eworld.mentor)
    assert send_follow_up_reminders() == 1
    other = _follow_ups(eworld, 0)[0]
    encounter_mark_error(encounter=other.encounter, reason="Wrong family", by=eworld.mentor)
    assert send_follow_up_reminders() == 0
    done.refresh_from_db()
    in_error.refresh_from_db()
    assert done.reminded_on is None and in_error.reminded_on == timezone.localdate()


def test_the_mentor_page_shows_hours_families_and_follow_ups(eworld) -> None:
    _follow_ups(eworld, -1)
    logged(eworld, duration_minutes=90)
    page = eworld.client("mentor").get(reverse("encounters:me"))
    assert page.status_code == 200
    hours = page.context["hours"]
    # 30 + 90 minutes of contacts (the follow-ups' encounter and this one).
    assert hours[0]["encounters"] == 2 and hours[0]["total"] >= 2
    html = page.content.decode()
    assert "Quintero" in html and "Follow-up in -1 days" in html
    staff = eworld.client("supervisor").get(
        reverse("encounters:mentor", args=[eworld.objects["ana"].pk])
    )
    assert staff.status_code == 200
    assert (
        eworld.client("outsider")
        .get(reverse("encounters:mentor", args=[eworld.objects["ana"].pk]))
        .status_code
        == 404
    )
