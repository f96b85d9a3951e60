"""Secret calendar links: a GET only shows one; making, renewing and stopping are POSTs (with
the CSRF token), audited; another program's group is not found."""

import pytest

from kindred.audit.models import AuditEvent
from kindred.groups.models import CalendarFeed
from kindred.groups.tests.factories import make_group

pytestmark = pytest.mark.django_db


def test_a_get_writes_no_link_and_a_post_makes_one(world) -> None:
    group = make_group(world.program_a)
    client = world.client("coordinator")
    page = client.get(f"/groups/{group.pk}/")
    assert page.status_code == 200 and b"Make a calendar link" in page.content
    assert client.get("/groups/my-calendar/").status_code == 200
    assert not CalendarFeed.objects.exists()

    response = client.post(f"/groups/{group.pk}/calendar-link/", {"action": "make"})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(group=group, revoked_at__isnull=True)
    assert AuditEvent.objects.filter(
        action="groups.calendarfeed.created", object_id=str(feed.pk)
    ).exists()
    page = client.get(f"/groups/{group.pk}/")
    assert feed.token.encode() in page.content
    # Asking again keeps the same link; renewing stops it and makes another.
    client.post(f"/groups/{group.pk}/calendar-link/", {"action": "make"})
    assert CalendarFeed.objects.filter(group=group).count() == 1
    client.post(f"/groups/{group.pk}/calendar-link/", {"action": "renew"})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert CalendarFeed.objects.filter(group=group, revoked_at__isnull=True).count() == 1
    assert client.get(f"/groups/calendar/{feed.token}.ics").status_code == 404


def test_my_link_is_made_renewed_and_stopped_by_posts(world) -> None:
    client = world.client("coordinator")
    assert b"Make my calendar link" in client.get("/groups/my-calendar/").content
    assert not CalendarFeed.objects.filter(user=world.coordinator).exists()
    client.post("/groups/my-calendar/", {"action": "make"})
    first = CalendarFeed.objects.get(user=world.coordinator)
    assert first.token.encode() in client.get("/groups/my-calendar/").content
    client.post("/groups/my-calendar/", {"action": "renew"})
    live = CalendarFeed.objects.get(user=world.coordinator, revoked_at__isnull=True)
    assert live.pk != first.pk
    client.post("/groups/my-calendar/", {"action": "stop"})
    assert not CalendarFeed.objects.filter(user=world.coordinator, revoked_at__isnull=True)
    assert client.post("/groups/my-calendar/", {"action": "bogus"}).status_code == 400


def test_the_post_needs_the_csrf_token(world) -> None:
    from django.test import Client

    group = make_group(world.program_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    assert client.post(f"/groups/{group.pk}/calendar-link/", {"action": "make"}).status_code == 403
    assert client.post("/groups/my-calendar/", {"action": "make"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_draft_group_gets_no_link_and_another_programs_group_is_not_found(world) -> None:
    draft = make_group(world.program_a, status="draft")
    client = world.client("coordinator")
    assert client.post(f"/groups/{draft.pk}/calendar-link/", {"action": "make"}).status_code == 400
    other = make_group(world.program_b)
    assert client.post(f"/groups/{other.pk}/calendar-link/", {"action": "make"}).status_code == 404
    assert client.post(f"/groups/{other.pk}/calendar-link/revoke/").status_code == 404
    assert not CalendarFeed.objects.exists()
    mentor = world.client("mentor")
    group = make_group(world.program_a)
    assert mentor.post(f"/groups/{group.pk}/calendar-link/", {"action": "make"}).status_code == 403


def test_the_group_link_is_stopped_by_a_post(world) -> None:
    group = make_group(world.program_a)
    client = world.client("coordinator")
    client.post(f"/groups/{group.pk}/calendar-link/", {"action": "make"})
    assert client.post(f"/groups/{group.pk}/calendar-link/", {"action": "stop"}).status_code == 302
    assert not CalendarFeed.objects.filter(group=group, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="groups.calendarfeed.revoked").count() == 1
