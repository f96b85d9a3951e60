"""A session's theme ("Sleep", "IEP meetings"): set by the coordinator on the session's form,
shown on the schedule, the group's page and the public page, in the reader's language."""

import pytest

from kindred.groups.schedule import next_occurrences
from kindred.groups.tests.factories import make_group

pytestmark = pytest.mark.django_db


def _edit(client, group, occurrence, **values):
    local = occurrence.local_start
    data = {
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "duration": "90",
        "format": "in_person",
        "place": "Room 5",
        **values,
    }
    return client.post(f"/groups/{group.pk}/sessions/{occurrence.key}/edit/", data)


def test_the_coordinator_sets_a_theme_shown_on_the_schedule_and_the_public_page(world) -> None:
    group = make_group(world.program_a)
    occurrence = next_occurrences(group, 1)[0]
    client = world.client("coordinator")
    form = client.get(f"/groups/{group.pk}/sessions/{occurrence.key}/edit/")
    assert b"Theme" in form.content
    response = _edit(client, group, occurrence, topic="Sleep", topic_es="El sueño")
    assert response.status_code == 302
    assert group.sessions.get().topic == "Sleep"

    for url in ("/groups/calendar/", f"/groups/{group.pk}/", "/groups/"):
        page = client.get(url)
        assert b"Sleep" in page.content, url
    public = world.client("anonymous")
    base = f"/groups/join/{world.program_a.slug}/"
    for url in (base, f"{base}{group.pk}/"):
        assert b"Sleep" in public.get(url, HTTP_ACCEPT_LANGUAGE="en").content, url
        spanish = public.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert "El sueño" in spanish and "Sleep" not in spanish, url


def test_a_theme_too_long_is_refused_and_a_mentor_outside_the_group_cannot_set_one(
    world,
) -> None:
    group = make_group(world.program_a)
    occurrence = next_occurrences(group, 1)[0]
    response = _edit(world.client("coordinator"), group, occurrence, topic="x" * 201)
    assert response.status_code == 400
    assert not group.sessions.exists()
    assert _edit(world.client("mentor"), group, occurrence, topic="IEP").status_code == 403
    assert not group.sessions.exists()
