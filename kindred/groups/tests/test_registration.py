"""Registration, the waitlist in order, promotion with a notice, consent, reminders, attendance
and what another program's people get."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F

from kindred.audit.models import AuditEvent
from kindred.audit.states import TransitionError
from kindred.families.consent import consent_record
from kindred.families.models import Consent
from kindred.groups.models import Attendance, Registration, SupportGroup
from kindred.groups.reminders import send_group_reminders
from kindred.groups.schedule import next_occurrences, occurrences
from kindred.groups.services import attendance_mark, registration_cancel, registration_create
from kindred.groups.tests.factories import make_family, make_group

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def group(world):
    return make_group(world.program_a, world.coordinator, capacity=1)


def test_it_registers_then_waitlists_in_order_and_promotes_with_a_notice(
    world, group, django_capture_on_commit_callbacks
) -> None:
    first, second, third = (
        make_family(world.program_a, world.coordinator, n, email=f"{n}@x.test")
        for n in ("Ames", "Baker", "Cruz")
    )
    a = registration_create(group=group, family=first, by=world.coordinator)
    b = registration_create(group=group, family=second, by=world.coordinator)
    c = registration_create(group=group, family=third, by=world.coordinator)
    assert [a.status, b.status, c.status] == ["registered", "waitlisted", "waitlisted"]
    group.refresh_from_db()
    assert group.registered_count == 1 and group.is_full

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=a, by=world.coordinator, reason="Moved away")
    assert [p.pk for p in promoted] == [b.pk]
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.status == "registered" and c.status == "waitlisted"
    assert [m.to for m in mail.outbox] == [["Baker@x.test"]]
    assert group.name not in mail.outbox[0].subject
    assert [t.to_status for t in b.transitions.all()] == ["waitlisted", "registered"]
    assert AuditEvent.objects.filter(
        action="groups.registration.promoted", object_id=str(b.pk)
    ).exists()


def test_it_refuses_a_family_without_consent_and_writes_nothing(world, group) -> None:
    family = make_family(world.program_a, world.coordinator, consent=False)
    with pytest.raises(TransitionError):
        registration_create(group=group, family=family, by=world.coordinator)
    assert not Registration.objects.exists()
    group.refresh_from_db()
    assert group.registered_count == 0


def test_a_withdrawn_consent_takes_the_family_off_every_group_at_once(world, group) -> None:
    first = make_family(world.program_a, world.coordinator)
    second = make_family(world.program_a, world.coordinator)
    registration_create(group=group, family=first, by=world.coordinator)
    waiting = registration_create(group=group, family=second, by=world.coordinator)
    consent_record(
        family=first,
        scope=Consent.Scope.GROUPS,
        decision="withdrawn",
        method="verbal",
        by=world.coordinator,
    )
    assert not Registration.objects.active().filter(family=first).exists()
    waiting.refresh_from_db()
    assert waiting.status == "registered"


def test_reminders_go_once_in_the_familys_language_and_never_after_attendance(
    world, django_capture_on_commit_callbacks
) -> None:
    now = datetime(2026, 3, 9, 12, tzinfo=ZoneInfo("UTC"))
    group = make_group(world.program_a, world.coordinator, capacity=5, name="Trisomy 18 parents")
    ana = make_family(
        world.program_a, world.coordinator, "Ruiz", email="ruiz@x.test", language="es"
    )
    gone = make_family(world.program_a, world.coordinator, "Stone", email="stone@x.test")
    registration_create(group=group, family=ana, by=world.coordinator)
    cancelled = registration_create(group=group, family=gone, by=world.coordinator)
    registration_cancel(registration=cancelled, by=world.coordinator, reason="Cannot come")
    # The March session is on the 10th at 18:00 Chicago: within 24 hours of `now`+23h.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_group_reminders(now + timedelta(hours=23)) == 1
        assert send_group_reminders(now + timedelta(hours=23)) == 0
    assert [m.to for m in mail.outbox] == [["ruiz@x.test"]]
    message = mail.outbox[0]
    assert "Recordatorio" in message.subject and "Trisomy" not in message.subject
    assert "/groups/family/" in message.body

    april = next(
        o for o in occurrences([group], now, now + timedelta(days=40)) if o.starts_at.month == 4
    )
    attendance_mark(occurrence=april, family=ana, present=True, by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_group_reminders(april.starts_at - timedelta(hours=2)) == 0


def test_attendance_is_one_tap_and_walk_ins_are_marked(world) -> None:
    group = make_group(world.program_a, world.coordinator, capacity=5)
    registered = make_family(world.program_a, world.coordinator)
    walk_in = make_family(world.program_a, world.coordinator)
    registration_create(group=group, family=registered, by=world.coordinator)
    occurrence = next_occurrences(group, 1)[0]
    client = world.client("coordinator")
    url = f"/groups/{group.pk}/sessions/{occurrence.key}/attendance/"
    assert client.post(url, {"action": "present", "family": registered.pk}).status_code == 302
    assert client.post(url, {"action": "walk_in", "family": walk_in.pk}).status_code == 302
    marks = {a.family_id: a for a in Attendance.objects.all()}
    assert marks[registered.pk].present and not marks[registered.pk].walk_in
    assert marks[walk_in.pk].walk_in
    page = client.get(url)
    assert page.status_code == 200 and str(walk_in) in page.content.decode()
    story = client.get(registered.get_absolute_url()).content.decode()
    assert "Came to a support group session" in story


def test_bad_input_answers_4xx_and_writes_nothing(world, group) -> None:
    client = world.client("coordinator")
    occurrence = next_occurrences(group, 1)[0]
    url = f"/groups/{group.pk}/sessions/{occurrence.key}/attendance/"
    assert client.post(url, {"action": "present", "family": "x\x00"}).status_code in (400, 404)
    assert client.post(url, {"action": "present", "family": "999999"}).status_code == 404
    assert (
        client.post(url, {"action": "guests", "walk_in_guests": "99999999999999"}).status_code
        == 400
    )
    assert client.post(f"/groups/{group.pk}/register/", {"family": "123456789"}).status_code == 400
    assert client.post(f"/groups/{group.pk}/status/", {"to": "ended"}).status_code == 400
    response = client.post(
        "/groups/new/",
        {
            "name": "Dads",
            "first_date": "2026-02-31",
            "start_time": "25:00",
            "pattern": "custom",
            "rrule": "FREQ=DAILY",
            "capacity": "-1",
        },
    )
    assert response.status_code == 400 and b"Dads" in response.content
    assert not Attendance.objects.exists() and not Registration.objects.exists()
    assert SupportGroup.objects.count() == 1


def test_another_programs_people_reach_nothing(world, group) -> None:
    family = make_family(world.program_a, world.coordinator)
    registration = registration_create(group=group, family=family, by=world.coordinator)
    outsider = world.client("outsider")
    key = next_occurrences(group, 1)[0].key
    assert outsider.get(f"/groups/{group.pk}/").status_code == 404
    assert outsider.get(f"/groups/{group.pk}/sessions/{key}/attendance/").status_code == 404
    assert (
        outsider.post(
            f"/groups/registrations/{registration.pk}/cancel/", {"reason": "x"}
        ).status_code
        == 404
    )
    other_family = make_family(world.program_b, world.outsider)
    with pytest.raises(TransitionError):
        registration_create(group=group, family=other_family, by=world.outsider)
    assert (
        world.client("supervisor").get(f"/groups/{group.pk}/sessions/{key}/attendance/").status_code
        == 403
    )


def test_a_coordinator_creates_a_monthly_group_which_the_directory_lists(world) -> None:
    from kindred.directory import hsds
    from kindred.directory.models import Service

    client = world.client("coordinator")
    response = client.post(
        "/groups/new/",
        {
            "name": "NICU parents",
            "name_es": "Padres de la UCIN",
            "language": "en",
            "audience": "caregivers",
            "registration": "registration",
            "capacity": "8",
            "first_date": "2026-01-13",
            "start_time": "18:00",
            "duration_minutes": "90",
            "pattern": "monthly",
            "remind_hours_before": "24",
            "format": "hybrid",
            "place": "Room 4B",
            "video_link": "https://video.example.test/nicu",
            "populations": ["nicu"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group = SupportGroup.objects.get(name="NICU parents")
    assert group.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    assert client.post(f"/groups/{group.pk}/status/", {"to": "published"}).status_code == 302
    service = Service.objects.get(extra__kindred_group=group.pk)
    assert service.status == "active" and service.kind == "support_group"
    schedule = service.schedules.get()
    assert (schedule.freq, schedule.byday) == ("MONTHLY", "2TU")
    data = hsds.export_services(Service.objects.filter(pk=service.pk))[0]
    assert not hsds.validation_errors("service", data)
    assert client.post(f"/groups/{group.pk}/status/", {"to": "draft"}).status_code == 302
    service.refresh_from_db()
    assert service.status == "inactive"


def test_the_database_refuses_more_places_than_the_capacity(world) -> None:
    group = make_group(world.program_a, world.coordinator, capacity=1)
    SupportGroup.objects.filter(pk=group.pk).update(registered_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportGroup.objects.filter(pk=group.pk).update(registered_count=F("registered_count") + 1)


def test_a_merge_moves_registrations_and_attendance_to_the_kept_record(world) -> None:
    from kindred.families.services import family_merge

    group = make_group(world.program_a, world.coordinator, capacity=5)
    other = make_group(world.program_a, world.coordinator, capacity=5, name="Dads")
    keep = make_family(world.program_a, world.coordinator, "Keep")
    merged = make_family(world.program_a, world.coordinator, "Merged")
    registration_create(group=group, family=keep, by=world.coordinator)
    registration_create(group=group, family=merged, by=world.coordinator)
    moved = registration_create(group=other, family=merged, by=world.coordinator)
    occurrence = next_occurrences(group, 1)[0]
    attendance_mark(occurrence=occurrence, family=merged, present=True, by=world.coordinator)
    family_merge(keep=keep, merged=merged, by=world.coordinator, reason="Same family")
    moved.refresh_from_db()
    assert moved.family_id == keep.pk and moved.status == "registered"
    assert Registration.objects.active().filter(group=group, family=keep).count() == 1
    assert not Registration.objects.active().filter(family=merged).exists()
    assert Attendance.objects.get().family_id == keep.pk
    group.refresh_from_db()
    assert group.registered_count == 1
