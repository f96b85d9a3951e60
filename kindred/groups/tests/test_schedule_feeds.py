"""The schedule comes from the RFC 5545 rule (dateutil), its exceptions from the sessions, and
the .ics feed carries both: expanded again from the parsed feed, the dates are the same."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from kindred.groups.feeds import calendar_for, live_feed
from kindred.groups.schedule import occurrence_at, occurrences, session_for
from kindred.groups.services import session_cancel, session_save
from kindred.groups.tests.factories import make_group

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


def _window():
    return datetime(2026, 1, 1, tzinfo=CHICAGO), datetime(2026, 12, 31, 23, 59, tzinfo=CHICAGO)


def test_it_expands_the_second_tuesday_of_each_month_in_local_time(world) -> None:
    group = make_group(world.program_a)
    starts = [o.starts_at for o in occurrences([group], *_window())]
    assert len(starts) == 12
    assert all(s.astimezone(CHICAGO).hour == 18 for s in starts)  # across daylight saving
    assert [s.astimezone(CHICAGO).day for s in starts[:4]] == [13, 10, 10, 14]


def _expand_feed(body: bytes, start: datetime, end: datetime) -> list[datetime]:
    """Expand a parsed iCalendar feed: the RRULE with its EXDATEs, then the overrides."""
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    master = next(e for e in events if "RRULE" in e)
    dtstart = master.decoded("DTSTART")
    rules = rruleset()
    rules.rrule(rrulestr(master["RRULE"].to_ical().decode(), dtstart=dtstart))
    exdates = master.get("EXDATE")
    for entry in exdates if isinstance(exdates, list) else ([exdates] if exdates else []):
        for value in entry.dts:
            rules.exdate(value.dt)
    moved = {
        e.decoded("RECURRENCE-ID"): e.decoded("DTSTART") for e in events if "RECURRENCE-ID" in e
    }
    found = []
    for when in rules.between(start, end, inc=True):
        found.append(moved.get(when, when))
    return sorted(found)


def test_its_feed_parses_and_expands_to_the_schedule_with_its_exceptions(world) -> None:
    group = make_group(world.program_a)
    start, end = _window()
    listed = occurrences([group], start, end)
    session_cancel(occurrence=listed[2], by=world.coordinator, reason="Holiday")
    moved = listed[4]
    session_save(
        occurrence=moved,
        values={
            "starts_at": moved.starts_at + timedelta(days=2),
            "ends_at": moved.ends_at + timedelta(days=2),
            "topic": "Guest cardiologist",
        },
        by=world.coordinator,
    )
    expected = [o.starts_at for o in occurrences([group], start, end, include_cancelled=False)]
    assert len(expected) == 11

    body = calendar_for([group], "en", with_video=False)
    assert _expand_feed(body, start, end) == expected
    assert b"EXDATE" in body and b"RECURRENCE-ID" in body and b"VTIMEZONE" in body


def test_its_feed_link_answers_through_the_secret_and_stops_when_revoked(world) -> None:
    group = make_group(world.program_a)
    feed = live_feed(program=group.program, group=group)
    client = world.client("anonymous")
    response = client.get(f"/groups/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(response.content).walk("VEVENT")
    from kindred.groups.feeds import revoke

    revoke(feed)
    assert client.get(f"/groups/calendar/{feed.token}.ics").status_code == 404
    assert client.get("/groups/calendar/not-a-token.ics").status_code == 404


def test_a_meeting_the_rule_does_not_give_is_not_found(world) -> None:
    group = make_group(world.program_a)
    assert occurrence_at(group, datetime(2026, 1, 14, 18, tzinfo=CHICAGO)) is None
    found = occurrence_at(group, datetime(2026, 1, 13, 18, tzinfo=CHICAGO))
    assert found is not None and session_for(found).pk
    client = world.client("coordinator")
    assert client.get(f"/groups/{group.pk}/sessions/20260115T000000Z/").status_code == 404
    assert client.get(f"/groups/{group.pk}/sessions/garbage/").status_code == 404
    assert client.get(f"/groups/{group.pk}/sessions/{found.key}/").status_code == 200
    assert client.get(f"/groups/{group.pk}/sessions/{found.key}.ics").status_code == 200


def test_a_session_moved_on_its_page_keeps_its_identity_and_bad_input_is_400(world) -> None:
    group = make_group(world.program_a)
    occurrence = occurrences([group], *_window())[1]  # 10 February 2026, 18:00
    client = world.client("coordinator")
    url = f"/groups/{group.pk}/sessions/{occurrence.key}/edit/"
    assert client.get(url).status_code == 200
    data = {
        "date": "2026-02-12",
        "time": "17:30",
        "duration": "90",
        "format": "in_person",
        "place": "Room 5",
        "topic": "Guest nurse",
        "speaker_0_name": "Marcus Lee",
        "speaker_0_role": "Nurse",
    }
    bad = client.post(url, {**data, "date": "2026-02-30", "speaker_1_role": "Parent"})
    assert bad.status_code == 400 and b"Guest nurse" in bad.content
    assert not group.sessions.exists()
    assert client.post(url, data).status_code == 302
    session = group.sessions.get()
    assert session.is_moved and session.recurrence_id == occurrence.recurrence_id
    assert session.starts_at.astimezone(CHICAGO).day == 12
    assert session.speakers == [{"name": "Marcus Lee", "role": "Nurse"}]
    page = client.get(f"/groups/{group.pk}/sessions/{occurrence.key}/")
    assert b"Moved" in page.content and b"Marcus Lee" in page.content
