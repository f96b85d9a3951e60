"""List and roster pages cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.groups.schedule import next_occurrences
from kindred.groups.services import attendance_mark, registration_create
from kindred.groups.tests.factories import make_family, make_group

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, group, n: int) -> None:
    occurrence = next_occurrences(group, 1)[0]
    for _ in range(n):
        family = make_family(world.program_a, world.coordinator)
        registration_create(group=group, family=family, by=world.coordinator)
        attendance_mark(occurrence=occurrence, family=family, present=True, by=world.coordinator)
        make_group(world.program_a, world.coordinator, capacity=3)


def test_the_pages_do_not_query_per_row(world) -> None:
    group = make_group(world.program_a, world.coordinator, capacity=50)
    client = world.client("coordinator")
    _grow(world, group, 2)
    key = next_occurrences(group, 1)[0].key
    urls = [
        "/groups/",
        "/groups/calendar/",
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/sessions/{key}/attendance/",
    ]
    for url in urls:  # first visits make the group's calendar link and save the session
        _count(client, url)
    before = [_count(client, url) for url in urls]
    _grow(world, group, 5)
    after = [_count(client, url) for url in urls]
    assert after == before
