"""Support groups in the program report (issue 12): sessions held, attendance, the families
who came, and how group and one-to-one support overlap, checked against the rows planted;
suppressed for evaluators; another program's groups never count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.evaluation.report import build
from kindred.groups.schedule import occurrences
from kindred.groups.services import attendance_mark
from kindred.groups.tests.factories import make_family, make_group
from kindred.matching.tests.factories import active_match, matchable_mentor, waiting_family
from kindred.mentors.services import program_ensure_mentor_lists

pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return today - timedelta(days=30), today + timedelta(days=1)


@pytest.fixture
def planted(world):
    program_ensure_mentor_lists(program=world.program_a)
    start = timezone.localdate() - timedelta(days=60)
    group = make_group(world.program_a, world.coordinator, first_date=start, rrule="FREQ=WEEKLY")
    now = timezone.now()
    meetings = occurrences([group], now - timedelta(days=22), now - timedelta(hours=1))
    assert len(meetings) >= 3
    first, second = meetings[0], meetings[1]  # the third and later: attendance not taken
    walk_in = make_family(world.program_a, world.coordinator, "Walker")
    matched = waiting_family(world, name="Matched", language="en")
    absent = make_family(world.program_a, world.coordinator, "Absent")
    only_matched = waiting_family(world, name="Solo", language="en")
    for family in (walk_in, matched, absent):
        attendance_mark(occurrence=first, family=family, present=True, by=world.coordinator)
    attendance_mark(occurrence=first, family=absent, present=False, by=world.coordinator)
    attendance_mark(occurrence=second, family=walk_in, present=True, by=world.coordinator)
    ana = matchable_mentor(
        world, name="Ana Mentor", email="mentor@a.test", user=world.mentor, max_families=3
    )
    active_match(world, matched, ana)
    active_match(world, only_matched, ana)
    # Another program's group session with attendance: never in program A's report.
    other = make_group(world.program_b, first_date=start, rrule="FREQ=WEEKLY")
    elsewhere = make_family(world.program_b, world.outsider, "Elsewhere")
    attendance_mark(
        occurrence=occurrences([other], now - timedelta(days=10), now)[0],
        family=elsewhere,
        present=True,
        by=world.outsider,
    )
    return world


def test_the_group_numbers_equal_the_rows(planted):
    start, end = _period()
    numbers = build(planted.program_a, start, end).groups
    assert numbers == {
        "sessions": 2,
        "attendances": 3,  # walk-in twice, matched once; the absent family not
        "walk_ins": 3,
        "families": 2,
        "one_to_one": 2,
        "both": 1,
        "groups_only": 1,
    }


def test_a_period_before_the_sessions_counts_nothing(planted):
    today = timezone.localdate()
    numbers = build(planted.program_a, today - timedelta(days=400), today - timedelta(days=300))
    assert numbers.groups["sessions"] == 0 and numbers.groups["families"] == 0


def test_the_report_page_shows_them_exact_to_the_coordinator_and_suppressed_to_evaluators(
    planted,
):
    start, end = _period()
    query = {"start": start.isoformat(), "end": (end - timedelta(days=1)).isoformat()}
    page = planted.client("coordinator").get("/reports/", query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Families in a group and in one-to-one support" in text
    row = text.split("Group sessions held</th>")[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    evaluator = planted.client("evaluator").get("/reports/", query).content.decode()
    row = evaluator.split("Group sessions held</th>")[1].split("</tr>")[0]
    assert "&lt;11" in row and "<td>2</td>" not in row
