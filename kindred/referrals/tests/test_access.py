"""The referrals app's access wrappers, thin uses of the access kit: 404 outside the person's
reach, 403 within it without the capability asked, each refusal audited once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kindred.core.testing.access import denials
from kindred.core.testing.personas import request_as
from kindred.programs.permissions import Cap
from kindred.referrals.access import (
    get_conference_item_for,
    get_referral_for,
    get_sent_referral_for,
)
from kindred.referrals.models import ConferenceItem

pytestmark = pytest.mark.django_db

REFERRAL = "referrals.referral"


@pytest.fixture
def item(world, referral):
    return ConferenceItem.objects.create(
        program=world.program_a,
        family=referral.family,
        meeting_on=timezone.localdate() + timedelta(days=7),
        topic="Topic",
        added_by=world.coordinator,
    )


def test_staff_reach_a_referral_of_their_program(world, referral) -> None:
    assert get_referral_for(request_as(world.supervisor), str(referral.pk)) == referral
    found = get_referral_for(
        request_as(world.coordinator), referral.pk, capability=Cap.REFERRALS_MANAGE
    )
    assert found == referral
    assert denials(REFERRAL) == []


@pytest.mark.parametrize("persona", ["outsider", "referrer", "mentor"])
def test_a_referral_is_out_of_reach_without_referrals_view(world, referral, persona) -> None:
    """The referrer who sent it reads it only through the referrer's view."""
    with pytest.raises(Http404):
        get_referral_for(request_as(world.users[persona]), referral.pk)
    assert denials(REFERRAL) == [(world.users[persona].pk, None, str(referral.pk), {})]


def test_a_supervisor_does_not_manage_a_referral(world, referral) -> None:
    with pytest.raises(PermissionDenied):
        get_referral_for(request_as(world.supervisor), referral.pk, capability=Cap.REFERRALS_MANAGE)
    assert denials(REFERRAL) == [
        (
            world.supervisor.pk,
            world.program_a.pk,
            str(referral.pk),
            {"capability": Cap.REFERRALS_MANAGE},
        )
    ]


@pytest.mark.parametrize("pk", ["abc", "", None, "1.5", "99999999"])
def test_a_bad_referral_key_is_404(world, referral, pk) -> None:
    with pytest.raises(Http404):
        get_referral_for(request_as(world.coordinator), pk)
    with pytest.raises(Http404):
        get_sent_referral_for(request_as(world.referrer), pk)
    assert len(denials(REFERRAL)) == 2


def test_the_referrer_reaches_what_they_sent_and_nobody_else_does(world, referral) -> None:
    assert get_sent_referral_for(request_as(world.referrer), str(referral.pk)) == referral
    for persona in ("coordinator", "outsider"):
        with pytest.raises(Http404):
            get_sent_referral_for(request_as(world.users[persona]), referral.pk)
    with pytest.raises(PermissionDenied):
        get_sent_referral_for(
            request_as(world.referrer), referral.pk, capability=Cap.REFERRALS_MANAGE
        )
    assert denials(REFERRAL) == [
        (world.coordinator.pk, None, str(referral.pk), {}),
        (world.outsider.pk, None, str(referral.pk), {}),
        (
            world.referrer.pk,
            world.program_a.pk,
            str(referral.pk),
            {"capability": Cap.REFERRALS_MANAGE},
        ),
    ]


def test_a_partner_referrer_outside_the_program_reaches_what_they_sent(world, referral) -> None:
    """Sending is the whole right: the referrer keeps their view after leaving the program."""
    world.referrer.memberships.update(is_active=False)
    assert get_sent_referral_for(request_as(world.referrer), referral.pk) == referral


def test_the_conference_list_is_for_the_programs_team(world, item) -> None:
    assert get_conference_item_for(request_as(world.supervisor), str(item.pk)) == item
    for persona in ("outsider", "mentor"):
        with pytest.raises(Http404):
            get_conference_item_for(request_as(world.users[persona]), item.pk)
    with pytest.raises(PermissionDenied):
        get_conference_item_for(
            request_as(world.supervisor), item.pk, capability=Cap.REFERRALS_MANAGE
        )
    with pytest.raises(Http404):
        get_conference_item_for(request_as(world.coordinator), "abc")
    assert denials("referrals.conferenceitem") == [
        (world.outsider.pk, None, str(item.pk), {}),
        (world.mentor.pk, None, str(item.pk), {}),
        (
            world.supervisor.pk,
            world.program_a.pk,
            str(item.pk),
            {"capability": Cap.REFERRALS_MANAGE},
        ),
        (world.coordinator.pk, None, "abc", {}),
    ]


def test_the_referrers_pages_refuse_and_audit_a_person_who_may_not_refer(world) -> None:
    response = world.client("evaluator").get("/referrals/new/")
    assert response.status_code == 403
    assert denials(REFERRAL) == [
        (world.evaluator.pk, None, "", {"capability": Cap.REFERRALS_CREATE})
    ]
