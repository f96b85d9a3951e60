"""One fact, recorded once: a background check passed in screening is the background-check
qualification; an applicant is told what their stage needs, not an active mentor's renewals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.mentors.eligibility import not_matchable_reasons
from kindred.mentors.models import Qualification, QualificationType, ScreeningItem
from kindred.mentors.services import mentor_change_status
from kindred.mentors.tests.factories import make_applicant

pytestmark = pytest.mark.django_db


def _background(program):
    return (
        ScreeningItem.objects.get(program=program, name="Background check"),
        QualificationType.objects.get(program=program, name="Background check"),
    )


def test_the_starter_background_check_item_grants_the_qualification(mentor_world) -> None:
    item, qualification = _background(mentor_world.program_a)
    assert item.grants == qualification
    assert (
        ScreeningItem.objects.get(program=mentor_world.program_a, name="Interview").grants is None
    )


def test_a_passed_background_check_satisfies_the_qualification(mentor_world) -> None:
    mentor = make_applicant(mentor_world.program_a)
    mentor_change_status(mentor=mentor, to="screening", by=mentor_world.coordinator)
    item, qualification_type = _background(mentor_world.program_a)
    done_on = timezone.localdate() - timedelta(days=3)
    response = mentor_world.client("coordinator").post(
        reverse("mentors:screening", args=[mentor.pk]),
        {
            "screening-item": item.pk,
            "screening-result": "passed",
            "screening-done_on": done_on.isoformat(),
            "screening-notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    held = Qualification.objects.get(mentor=mentor, type=qualification_type)
    assert held.obtained_on == done_on
    assert held.expires_on == qualification_type.expiry_for(done_on)
    assert held.is_valid_on(timezone.localdate())
    assert AuditEvent.objects.filter(action="mentors.qualification.created").count() == 1
    # Once active, the background check is not among what the mentor lacks.
    mentor.refresh_from_db()
    mentor.status = "active"
    assert not any("Background check" in r for r in not_matchable_reasons(mentor))


@pytest.mark.parametrize("result", ["pending", "failed", "waived"])
def test_a_background_check_not_passed_grants_nothing(mentor_world, result) -> None:
    mentor = make_applicant(mentor_world.program_a)
    item, _type = _background(mentor_world.program_a)
    from kindred.mentors.services import screening_record

    screening_record(
        mentor=mentor,
        item=item,
        result=result,
        done_on=timezone.localdate(),
        notes="",
        by=mentor_world.coordinator,
    )
    assert not Qualification.objects.filter(mentor=mentor).exists()


def test_a_new_applicant_is_told_what_screening_needs_not_a_refresher(mentor_world) -> None:
    mentor = make_applicant(mentor_world.program_a)
    reasons = not_matchable_reasons(mentor)
    assert reasons[0].startswith("Status is")
    assert not any("refresher" in r.lower() for r in reasons)
    assert any("Background check" in r and "Screening" in r for r in reasons)
    page = mentor_world.client("coordinator").get(reverse("mentors:detail", args=[mentor.pk]))
    assert "Annual refresher training is missing" not in page.content.decode()


def test_the_settings_page_offers_only_the_programs_qualifications(mentor_world) -> None:
    from kindred.mentors.forms import ScreeningItemForm

    other = QualificationType.objects.filter(program=mentor_world.program_b).first()
    form = ScreeningItemForm(
        {
            "name": "Fingerprints",
            "required": "on",
            "position": 9,
            "grants": other.pk,
            "is_active": "on",
        },
        instance=ScreeningItem(program=mentor_world.program_a),
    )
    assert not form.is_valid() and "grants" in form.errors
