"""The roster, the profile and its actions, the mentor's home: scope, audit, errors."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.mentors.models import QualificationType, ScreeningItem, ScreeningRecord
from kindred.mentors.tests.factories import make_active, make_applicant
from kindred.programs.models import Invitation
from kindred.programs.services import invitation_accept

pytestmark = pytest.mark.django_db


def test_it_lists_the_program_mentors_in_few_queries(
    mentor_world, django_assert_max_num_queries
) -> None:
    w = mentor_world
    for i in range(12):
        make_active(
            w.program_a, w.coordinator, email=f"m{i}@example.test", full_name=f"Partner {i:02d}"
        )
    make_applicant(w.program_a, email="new@example.test", full_name="New Applicant")
    client = w.client("coordinator")
    with django_assert_max_num_queries(16):  # 16th: the audit chain's head
        response = client.get(reverse("mentors:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Partner 11" in body and "New Applicant" in body
    assert "Family Partner" in body
    filtered = client.get(reverse("mentors:list") + "?status=applicant").content.decode()
    assert "New Applicant" in filtered and "Partner 03" not in filtered


def test_it_flags_expiring_qualifications_on_the_list(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator, full_name="Soon Expiring")
    make_active(w.program_a, w.coordinator, email="fine@example.test", full_name="All Fine")
    refresher = QualificationType.objects.get(program=w.program_a, name="Annual refresher training")
    mentor.qualifications.filter(type=refresher).update(
        expires_on=timezone.localdate() + timedelta(days=5)
    )
    body = (
        w.client("coordinator")
        .get(reverse("mentors:list") + "?attention=qualifications")
        .content.decode()
    )
    assert "Soon Expiring" in body and "All Fine" not in body and "expires soon" in body


def test_it_shows_the_profile_and_audits_the_read(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    response = w.client("supervisor").get(reverse("mentors:detail", args=[mentor.pk]))
    assert response.status_code == 200
    assert "Alma Reyes" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="mentors.mentor.viewed", object_id=str(mentor.pk)
    ).exists()


def test_it_validates_ownership(mentor_world) -> None:
    """Another program's coordinator, a referrer and another mentor never reach a mentor record."""
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    # Outside program A: 404. Inside it without mentors.manage: 403.
    for persona, refused in (
        ("outsider", 404),
        ("referrer", 403),
        ("evaluator", 403),
        ("mentor", 403),
    ):
        client = w.client(persona)
        assert client.get(reverse("mentors:detail", args=[mentor.pk])).status_code == 404, persona
        assert (
            client.post(
                reverse("mentors:status", args=[mentor.pk]), {"to": "alumni", "reason": "x"}
            ).status_code
            == refused
        ), persona
    assert AuditEvent.objects.filter(
        action="mentors.mentor.access_denied", actor=w.outsider
    ).exists()
    mentor.refresh_from_db()
    assert mentor.status == "active"


def test_it_lets_a_mentor_see_only_their_own_record(mentor_world) -> None:
    w = mentor_world
    mine = make_active(w.program_a, w.coordinator, email="mentor@a.test", full_name="Me Myself")
    other = make_active(
        w.program_a, w.coordinator, email="other@example.test", full_name="Someone Else"
    )
    client = w.client("mentor")
    home = client.get(reverse("mentors:home"))
    assert home.status_code == 200 and "My work as a Family Partner" in home.content.decode()
    mine.refresh_from_db()
    assert mine.user == w.mentor  # linked by e-mail on first visit
    assert client.get(reverse("mentors:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("mentors:detail", args=[other.pk])).status_code == 404
    body = client.get(reverse("mentors:detail", args=[mine.pk])).content.decode()
    assert "Ana Ruiz" not in body  # references are for staff


def test_it_shows_the_mentor_home_with_families_empty_and_expiring_qualifications(
    mentor_world,
) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator, email="mentor@a.test")
    refresher = QualificationType.objects.get(program=w.program_a, name="Annual refresher training")
    mentor.qualifications.filter(type=refresher).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    body = w.client("mentor").get(reverse("mentors:home")).content.decode()
    assert "No families are matched with you in Kindred yet" in body
    assert "Annual refresher training" in body and "expired" in body
    assert "Not right now" in body


def test_it_changes_status_with_a_reason_through_the_page(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    client = w.client("coordinator")
    url = reverse("mentors:status", args=[mentor.pk])
    response = client.post(url, {"to": "declined", "reason": ""}, follow=True)
    assert "Please give a reason" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.status == "applicant"
    client.post(url, {"to": "declined", "reason": "Moving away."})
    mentor.refresh_from_db()
    assert mentor.status == "declined"
    assert AuditEvent.objects.filter(
        action="mentors.mentor.status_changed", object_id=str(mentor.pk)
    ).exists()


def test_it_records_screening_and_refuses_a_future_date(mentor_world) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    item = ScreeningItem.objects.filter(program=w.program_a).first()
    client = w.client("coordinator")
    url = reverse("mentors:screening", args=[mentor.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url,
        {
            "screening-item": item.pk,
            "screening-result": "passed",
            "screening-done_on": future,
            "screening-notes": "kept",
        },
    )
    assert response.status_code == 400
    assert (
        "cannot be in the future" in response.content.decode()
        and 'value="kept"' in response.content.decode()
    )
    assert not ScreeningRecord.objects.exists()
    other_item = ScreeningItem.objects.filter(program=w.program_b).first()
    response = client.post(
        url,
        {
            "screening-item": other_item.pk,
            "screening-result": "passed",
            "screening-done_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400 and not ScreeningRecord.objects.exists()
    client.post(
        url,
        {
            "screening-item": item.pk,
            "screening-result": "passed",
            "screening-done_on": timezone.localdate().isoformat(),
        },
    )
    assert ScreeningRecord.objects.get().result == "passed"


def test_it_records_a_qualification_and_refuses_an_expiry_before_it_was_obtained(
    mentor_world,
) -> None:
    w = mentor_world
    mentor = make_applicant(w.program_a)
    qtype = QualificationType.objects.get(program=w.program_a, name="Background check")
    client = w.client("coordinator")
    url = reverse("mentors:qualification", args=[mentor.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "qualification-type": qtype.pk,
            "qualification-obtained_on": today.isoformat(),
            "qualification-expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert (
        response.status_code == 400 and "on or after the date obtained" in response.content.decode()
    )
    assert not mentor.qualifications.exists()
    client.post(
        url, {"qualification-type": qtype.pk, "qualification-obtained_on": today.isoformat()}
    )
    assert mentor.qualifications.get().expires_on.year == today.year + 3


def test_it_invites_an_active_mentor_whose_account_links_by_email(
    mentor_world, django_capture_on_commit_callbacks
) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator, email="new.partner@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        w.client("coordinator").post(reverse("mentors:invite", args=[mentor.pk]))
    assert mail.outbox[-1].to == ["new.partner@example.test"]
    invitation = Invitation.objects.get(email="new.partner@example.test")
    assert invitation.role == "mentor"
    user = invitation_accept(
        invitation=invitation, full_name="Alma Reyes", password="a long enough password 1"
    )
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("mentors:home")).status_code == 200
    mentor.refresh_from_db()
    assert mentor.user == user


def test_it_edits_details_and_audits_changed_fields_only(mentor_world) -> None:
    w = mentor_world
    mentor = make_active(w.program_a, w.coordinator)
    client = w.client("coordinator")
    page = client.get(reverse("mentors:edit", args=[mentor.pk]))
    assert page.status_code == 200
    data = {
        "full_name": mentor.full_name,
        "email": mentor.email,
        "phone": mentor.phone,
        "preferred_language": "es",
        "languages": ["es"],
        "postal_code": "",
        "travel": "remote",
        "treatments": "",
        "motivation": "x",
        "references": "y",
        "max_families": "3",
    }
    assert client.post(reverse("mentors:edit", args=[mentor.pk]), data).status_code == 302
    mentor.refresh_from_db()
    assert mentor.max_families == 3
    event = AuditEvent.objects.filter(action="mentors.mentor.changed").get()
    assert "max_families" in event.fields and "full_name" not in event.fields
    assert "child_conditions" not in event.fields
    bad = client.post(reverse("mentors:edit", args=[mentor.pk]), {**data, "max_families": "99"})
    assert bad.status_code == 400 and "30" in bad.content.decode()
    mentor.refresh_from_db()
    assert mentor.max_families == 3


def test_it_adds_home_cards_for_coordinators_supervisors_and_mentors(mentor_world) -> None:
    from kindred.mentors.models import Escalation

    w = mentor_world
    mine = make_active(w.program_a, w.coordinator, email="mentor@a.test")
    make_applicant(w.program_a, email="waiting@example.test")
    Escalation.objects.create(
        program=w.program_a, mentor=mine, raised_by=w.coordinator, concern="x"
    )
    coordinator = w.client("coordinator").get(reverse("core:home")).content.decode()
    assert (
        '<span>New applications</span> <span class="count">1</span>' in coordinator
        and "?status=applicant" in coordinator
    )
    supervisor = w.client("supervisor").get(reverse("core:home")).content.decode()
    assert '<span>Open escalations</span> <span class="count">1</span>' in supervisor
    mentor = w.client("mentor").get(reverse("core:home")).content.decode()
    assert "My work as a Family Partner" in mentor
    outsider = w.client("outsider").get(reverse("core:home")).content.decode()
    assert "New applications" not in outsider
    assert '<span>Open escalations</span> <span class="count">1</span>' not in outsider


def test_it_configures_the_screening_checklist_and_refuses_a_duplicate_name(mentor_world) -> None:
    w = mentor_world
    client = w.client("coordinator")
    url = reverse("mentors:settings")
    data = {
        "add_item": "1",
        "item-name": "Home visit",
        "item-name_es": "Visita al hogar",
        "item-required": "on",
        "item-position": "9",
        "item-is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    assert ScreeningItem.objects.filter(program=w.program_a, name="Home visit").exists()
    duplicate = client.post(url, {**data, "item-name": "home VISIT"})
    assert duplicate.status_code == 400
    assert "already has an item with this name" in duplicate.content.decode()
    assert ScreeningItem.objects.filter(program=w.program_a, name__iexact="home visit").count() == 1
    # Program B may use the same name.
    assert w.client("outsider").post(url, data).status_code == 302
    qdata = {
        "add_type": "1",
        "type-name": "CPR certificate",
        "type-validity_months": "0",
        "type-remind_days_before": "30",
        "type-is_active": "on",
    }
    bad = client.post(url, qdata)
    assert bad.status_code == 400 and "at least one month" in bad.content.decode()
    assert not QualificationType.objects.filter(name="CPR certificate").exists()
    assert client.post(url, {**qdata, "type-validity_months": "24"}).status_code == 302

    item = ScreeningItem.objects.get(program=w.program_a, name="Interview")
    rename = client.post(
        reverse("mentors:settings_item", args=["screening", item.pk]),
        {"name": "HOME visit", "position": "0", "required": "on", "is_active": "on"},
    )
    assert (
        rename.status_code == 400
        and "already has an item with this name" in rename.content.decode()
    )
    item.refresh_from_db()
    assert item.name == "Interview"


def test_it_keeps_a_name_search_out_of_the_url(world) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("mentors:list"), {"q": "Quintero", "status": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("mentors:list")
    assert "Quintero" not in response["Location"]
    page = client.get(reverse("mentors:list"))
    assert page.status_code == 200
    assert 'value="Quintero"' in page.content.decode()
