"""The referral from the coordinator's chair (issue 15): the contact attempt first, accepting
on reaching the family, owners, the next attempt back on top, what counts as first contact,
the dashboard's misses, the linked family's differences, the referrer's additions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.families.models import Condition
from kindred.referrals import dashboard
from kindred.referrals.models import (
    ContactAttempt,
    Referral,
    ReferralSettings,
    ReferrerAddition,
)
from kindred.referrals.services import ReferredFamily
from kindred.referrals.status import Status
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db


def _now_field() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _attempt(client, referral, **extra):
    data = {
        "attempt-at": _now_field(),
        "attempt-method": "phone",
        "attempt-outcome": "reached",
        **extra,
    }
    return client.post(reverse("referrals:contact_attempt", args=[referral.pk]), data)


# --- The page opens with the attempt --------------------------------------------------------


def test_it_opens_the_referral_with_the_attempt_and_the_key_facts(world):
    condition = Condition.objects.create(
        label="Preterm newborn", label_es="Recién nacido prematuro"
    )
    referral = make_referral(
        world,
        family=ReferredFamily(
            caregiver_first_name="Ana",
            phone="555-222-3434",
            language="es",
            child_first_name="Lu",
            conditions=[condition],
        ),
        urgency="urgent",
    )
    page = world.client("coordinator").get(reverse("referrals:detail", args=[referral.pk]))
    html = page.content.decode()
    assert html.index("Log a contact attempt") < html.index("The request")
    assert html.index("key-facts") < html.index("Log a contact attempt")
    assert "Urgent (family in crisis)" in html and "Preterm newborn" in html
    assert "Español" in html or "Spanish" in html
    assert "Conditions the referrer ticked" in html
    assert 'name="attempt-accept"' in html  # a new referral may be accepted in the same step


def test_it_accepts_the_referral_when_the_family_is_reached(world, referral):
    response = _attempt(world.client("coordinator"), referral, **{"attempt-accept": "on"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.first_contact_at is not None
    assert referral.transitions.filter(to_status=Status.ACCEPTED).count() == 1
    assert AuditEvent.objects.filter(action="referrals.referral.status_changed").exists()


def test_it_refuses_to_accept_without_reaching_the_family_and_saves_nothing(world, referral):
    response = _attempt(
        world.client("coordinator"),
        referral,
        **{"attempt-outcome": "voicemail", "attempt-accept": "on"},
    )
    assert response.status_code == 400
    assert "only when you reached the family" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED
    assert not ContactAttempt.objects.filter(referral=referral).exists()


def test_it_refuses_a_next_attempt_before_this_one(world, referral):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = _attempt(
        world.client("coordinator"),
        referral,
        **{"attempt-outcome": "no-answer", "attempt-next_attempt_on": yesterday},
    )
    assert response.status_code == 400
    assert not ContactAttempt.objects.filter(referral=referral).exists()


def test_another_programs_coordinator_cannot_log_an_attempt(world, referral):
    response = _attempt(world.client("outsider"), referral)
    assert response.status_code == 404
    assert not ContactAttempt.objects.filter(referral=referral).exists()


# --- What counts as first contact ------------------------------------------------------------


def test_a_voicemail_stops_no_clock_unless_the_program_says_so(world, referral):
    referral.log_contact_attempt(by=world.coordinator, method="phone", outcome="voicemail")
    referral.refresh_from_db()
    assert referral.first_contact_at is None
    ReferralSettings.objects.create(program=world.program_a, first_contact="any")
    other = make_referral(
        world, family=ReferredFamily(caregiver_first_name="Bo", phone="555-777-1212")
    )
    other.log_contact_attempt(by=world.coordinator, method="phone", outcome="voicemail")
    other.refresh_from_db()
    assert other.first_contact_at is not None


def test_it_refuses_an_unknown_first_contact_setting(world):
    response = world.client("coordinator").post(
        reverse("referrals:settings"),
        {
            "opens_at": "09:00",
            "closes_at": "17:00",
            "unable_to_reach_after": "3",
            "first_contact": "a-hunch",
        },
    )
    assert response.status_code == 400
    assert not ReferralSettings.objects.filter(program=world.program_a).exists()


# --- The dashboard counts overdue, uncontacted referrals as misses ---------------------------


def _raw_within_target_pct(program, now):
    """From the rows themselves: every referral whose deadline passed or who was contacted."""
    rows = Referral.objects.filter(program=program).exclude(status=Status.ENTERED_IN_ERROR)
    decided = within = 0
    for r in rows:
        if r.first_contact_at is not None:
            decided += 1
            within += r.first_contact_at <= r.due_at
        elif r.due_at <= now and (r.closed_at is None or r.closed_at > r.due_at):
            decided += 1
    return round(100 * within / decided) if decided else None


def test_an_overdue_referral_nobody_contacted_counts_as_a_miss(world):
    contacted = make_referral(world)
    contacted.log_contact_attempt(by=world.coordinator, method="phone", outcome="reached")
    for i in range(2):
        late = make_referral(
            world, family=ReferredFamily(caregiver_first_name=f"Late{i}", phone=f"555-600-10{i}0")
        )
        late.received_at = timezone.now() - timedelta(days=4)
        late.due_at = timezone.now() - timedelta(days=2)
        late.save()  # through save(): the daily counts move with it
    pending = make_referral(  # not due yet, not contacted: no miss yet
        world, family=ReferredFamily(caregiver_first_name="Soon", phone="555-600-9999")
    )
    assert pending.due_at > timezone.now()
    now = timezone.now()
    from_counts = dashboard.numbers(world.program_a, now=now)
    from_rows = dashboard.numbers_from_referrals(world.program_a, now=now)
    assert from_counts["within_target_pct"] == 33  # 1 of 3, not 100 %
    assert from_counts["missed_uncontacted"] == 2
    assert from_counts["within_target_pct"] == from_rows["within_target_pct"]
    assert from_counts["within_target_pct"] == _raw_within_target_pct(world.program_a, now)
    assert from_counts["referred"] == from_rows["referred"] == 4
    page = world.client("coordinator").get(reverse("referrals:dashboard")).content.decode()
    assert "33 %" in page


# --- Owners and the next attempt -------------------------------------------------------------


def test_it_assigns_an_owner_and_filters_mine_and_unassigned(world, referral):
    other = make_referral(
        world, family=ReferredFamily(caregiver_first_name="Nadie", phone="555-300-1111")
    )
    client = world.client("coordinator")
    response = client.post(
        reverse("referrals:owner", args=[referral.pk]), {"owner-owner": world.coordinator.pk}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.owner == world.coordinator
    assert AuditEvent.objects.filter(action="referrals.referral.owner_changed").count() == 1
    mine = [r.pk for r, _ in client.get(reverse("referrals:queue") + "?owner=mine").context["rows"]]
    assert mine == [referral.pk]
    free = client.get(reverse("referrals:queue") + "?owner=unassigned").context["rows"]
    assert [r.pk for r, _ in free] == [other.pk]


def test_it_refuses_an_owner_outside_the_programs_staff(world, referral):
    response = world.client("coordinator").post(
        reverse("referrals:owner", args=[referral.pk]), {"owner-owner": world.users["outsider"].pk}
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.owner_id is None


def test_another_programs_coordinator_cannot_assign(world, referral):
    response = world.client("outsider").post(
        reverse("referrals:owner", args=[referral.pk]), {"owner-owner": world.users["outsider"].pk}
    )
    assert response.status_code == 404


def test_a_due_next_attempt_puts_the_referral_back_on_top(world, django_assert_max_num_queries):
    referrals = [
        make_referral(
            world, family=ReferredFamily(caregiver_first_name=f"P{i}", phone=f"555-410-{1000 + i}")
        )
        for i in range(8)
    ]
    callback = referrals[6]
    callback.log_contact_attempt(
        by=world.coordinator,
        method="phone",
        outcome="reached",
        next_attempt_on=timezone.localdate(),
    )
    Referral.objects.filter(pk=callback.pk).update(status=Status.IN_PROGRESS)
    client = world.client("coordinator")
    # The same budget however many rows: the due list and the queue, one condition query each.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("referrals:queue"))
    due = [r.pk for r, _ in response.context["due_rows"]]
    rest = [r.pk for r, _ in response.context["rows"]]
    assert due == [callback.pk] and callback.pk not in rest and len(rest) == 7
    html = response.content.decode()
    assert html.index("Next attempt due") < html.index("The rest of the queue")


# --- The linked family's differences ---------------------------------------------------------


def test_it_shows_and_applies_what_the_referrer_newly_gave(world):
    condition = Condition.objects.create(label="Preterm newborn")
    first = make_referral(world)
    again = make_referral(
        world,
        family=ReferredFamily(
            caregiver_first_name="Marisol",
            caregiver_last_name="Quintero",
            phone="555-201-3344",
            email="marisol@example.org",
            language="en",
            child_first_name="Teo",
            conditions=[condition],
        ),
    )
    assert again.linked_existing_family and again.family_id == first.family_id
    client = world.client("coordinator")
    page = client.get(reverse("referrals:detail", args=[again.pk])).content.decode()
    assert "New from this referral" in page and "marisol@example.org" in page
    keys = {"email", f"condition:{condition.pk}", "language"}
    response = client.post(
        reverse("referrals:apply_linked", args=[again.pk]),
        {"apply": ["email", f"condition:{condition.pk}"]},
    )
    assert response.status_code == 302
    family = again.family
    caregiver = family.caregivers.get()
    child = family.children.get()
    assert caregiver.email == "marisol@example.org"
    assert caregiver.preferred_language == "es"  # not chosen: not applied
    assert list(child.conditions.all()) == [condition]
    assert AuditEvent.objects.filter(action="families.family.changed").exists()
    applied = AuditEvent.objects.get(action="referrals.referral.differences_applied")
    assert set(applied.fields) == keys - {"language"}
    again.refresh_from_db()
    from kindred.referrals.linked import differences

    assert [d.key for d in differences(again)] == ["language"]


def test_it_refuses_a_difference_that_was_not_offered(world):
    make_referral(world)
    again = make_referral(world)
    response = world.client("coordinator").post(
        reverse("referrals:apply_linked", args=[again.pk]), {"apply": ["phone"]}
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="referrals.referral.differences_applied").exists()


def test_another_programs_coordinator_cannot_apply_differences(world):
    make_referral(world)
    again = make_referral(world)
    response = world.client("outsider").post(
        reverse("referrals:apply_linked", args=[again.pk]), {"apply": ["language"]}
    )
    assert response.status_code == 404


# --- The referrer's view ---------------------------------------------------------------------


def test_my_referrals_names_the_family_as_entered_and_my_reference(world):
    make_referral(world, referrer_reference="MRN 4471")
    page = world.client("referrer").get(reverse("referrals:sent")).content.decode()
    assert "Marisol Quintero (Teo)" in page and "MRN 4471" in page


def test_the_referrer_adds_information_the_program_sees(world, referral):
    client = world.client("referrer")
    url = reverse("referrals:sent_add", args=[referral.pk])
    assert client.post(url, {"add-text": "   "}).status_code == 400
    assert not ReferrerAddition.objects.exists()
    response = client.post(url, {"add-text": "Best reached after 5 pm"})
    assert response.status_code == 302
    assert ReferrerAddition.objects.get().text == "Best reached after 5 pm"
    assert AuditEvent.objects.filter(action="referrals.referreraddition.created").exists()
    page = world.client("coordinator").get(reverse("referrals:detail", args=[referral.pk]))
    assert "Best reached after 5 pm" in page.content.decode()


def test_no_one_else_adds_to_a_referral(world, referral):
    url = reverse("referrals:sent_add", args=[referral.pk])
    assert world.client("outsider").post(url, {"add-text": "x"}).status_code == 404
    assert not ReferrerAddition.objects.exists()


def test_nothing_is_added_to_a_closed_referral(world, referral):
    referral.transition(to=Status.REJECTED, by=world.coordinator, reason="not-eligible")
    response = world.client("referrer").post(
        reverse("referrals:sent_add", args=[referral.pk]), {"add-text": "More"}
    )
    assert response.status_code == 400
    assert not ReferrerAddition.objects.exists()
