"""`/api/groups` and `/api/groups/{id}/sessions`: read only, scoped as the pages are (another
program's group 404), places left and next sessions, video links only to those who run it."""

import pytest

from kindred.groups.schedule import next_occurrences
from kindred.groups.services import registration_create, session_cancel, session_save
from kindred.groups.tests.factories import make_family, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world):
    group = make_group(
        world.program_a,
        world.coordinator,
        capacity=1,
        format="hybrid",
        video_link="https://video.example.test/heart",
    )
    for name in ("Ames", "Baker"):
        registration_create(
            group=group, family=make_family(world.program_a, world.coordinator, name), by=None
        )
    return group


def test_the_list_gives_places_left_and_the_next_sessions(world, group) -> None:
    make_group(world.program_a, name="Ended circle", status="ended")
    make_group(world.program_b, name="Elsewhere")
    upcoming = next_occurrences(group, 2)
    session_save(occurrence=upcoming[0], values={"topic": "Sleep"}, by=world.coordinator)
    client = world.client("coordinator")
    response = client.get(f"/api/groups?program={world.program_a.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == group.pk and item["name"] == "Heart parents"
    assert (item["capacity"], item["places_left"], item["full"], item["waitlisted"]) == (
        1,
        0,
        True,
        1,
    )
    assert [s["key"] for s in item["next_sessions"]][:2] == [o.key for o in upcoming]
    assert item["next_sessions"][0]["topic"] == "Sleep"
    assert item["next_sessions"][0]["video_link"] == "https://video.example.test/heart"
    assert "Ames" not in response.content.decode()
    ended = client.get(f"/api/groups?program={world.program_a.pk}&status=ended").json()
    assert [g["name"] for g in ended["items"]] == ["Ended circle"]


def test_sessions_in_a_window_with_the_cancelled_ones_marked(world, group) -> None:
    upcoming = next_occurrences(group, 3)
    session_cancel(occurrence=upcoming[1], by=world.coordinator, reason="Holiday")
    start = upcoming[0].local_start.date()
    end = upcoming[2].local_start.date()
    client = world.client("coordinator")
    url = f"/api/groups/{group.pk}/sessions?start={start}&end={end}"
    body = client.get(url).json()
    assert [s["key"] for s in body["items"]] == [o.key for o in upcoming]
    assert [s["cancelled"] for s in body["items"]] == [False, True, False]
    kept = client.get(url + "&cancelled=false").json()
    assert kept["count"] == 2
    paged = client.get(url + "&limit=1&offset=2").json()
    assert paged["count"] == 3 and [s["key"] for s in paged["items"]] == [upcoming[2].key]


def test_bad_windows_are_400(world, group) -> None:
    client = world.client("coordinator")
    base = f"/api/groups/{group.pk}/sessions"
    assert client.get(f"{base}?start=2026-03-01&end=2026-02-01").status_code == 400
    assert client.get(f"{base}?start=2026-01-01&end=2029-01-01").status_code == 400
    assert client.get(f"{base}?start=9999-12-30").status_code == 400
    assert client.get(f"{base}?start=2026-02-30").status_code == 400
    assert client.get(f"{base}?limit=0").status_code == 400


def test_scope_another_programs_group_is_404_and_video_only_for_those_who_run_it(
    world, group
) -> None:
    other = make_group(world.program_b, name="Elsewhere")
    coordinator = world.client("coordinator")
    assert coordinator.get(f"/api/groups/{other.pk}/sessions").status_code == 404
    assert coordinator.get(f"/api/groups?program={world.program_b.pk}").status_code == 404
    assert world.client("outsider").get(f"/api/groups/{group.pk}/sessions").status_code == 404
    # The supervisor reads the groups but does not run this one: no video link.
    supervisor = world.client("supervisor").get(f"/api/groups/{group.pk}/sessions").json()
    assert supervisor["items"] and all(s["video_link"] == "" for s in supervisor["items"])
    anonymous = world.client("anonymous").get(f"/api/groups?program={world.program_a.pk}")
    assert anonymous.status_code == 401


def test_a_group_open_to_all_has_no_places_to_count(world) -> None:
    make_group(world.program_a, registration="open", capacity=0)
    item = world.client("coordinator").get(f"/api/groups?program={world.program_a.pk}").json()
    assert item["items"][0]["places_left"] is None and item["items"][0]["full"] is False
