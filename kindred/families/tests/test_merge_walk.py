"""Nothing is left behind on a merge: every relation to a family, in every installed app, follows
the merged record to the one that is kept (the families app and each app's
`family_merge.reassign`), except the relations listed in STAYS with the reason they stay.

Caregivers and children are never merged away (they move with their family, keeping their
ids), so relations to them need no step. A many-to-many relation to Family is walked through its
through model's foreign key (`get_models(include_auto_created=True)`).
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from kindred.families.models import Caregiver, Child, Consent, Family, FamilyMerge
from kindred.families.services import family_merge
from kindred.families.tests.conftest import make_family
from kindred.lib import extensions

# Relations that stay on the merged record, and why.
STAYS = {
    "families.FamilyTransition.family": "the merged record's own history, its move to merged",
    "families.FamilyMerge.merged": "the merge names the record merged away",
    "families.FamilyMerge.keep": "an earlier merge into the merged record is history",
    "families.Family.merged_into": "a record merged earlier still names the record it joined, "
    "which now names the kept one",
}


def relations_to_family() -> Iterator[tuple[str, type[models.Model], models.Field]]:
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                field.concrete
                and (field.many_to_one or field.one_to_one)
                and field.related_model is not None
                and issubclass(field.related_model, Family)
            ):
                yield f"{model._meta.label}.{field.name}", model, field  # type: ignore[misc]


def left_behind(merged: Family) -> list[str]:
    """The relations (not in STAYS) with a row still pointing at the merged record."""
    return sorted(
        label
        for label, model, field in relations_to_family()
        if label not in STAYS and model._default_manager.filter(**{field.name: merged}).exists()
    )


# One row on the merged record for each relation, built through the apps' own code.
def _caregiver(world: Any, family: Family) -> models.Model:
    return family.caregivers.get()


def _child(world: Any, family: Family) -> models.Model:
    return family.children.get()


def _consent(world: Any, family: Family) -> models.Model:
    return family.consents.get()


def _referral(world: Any, family: Family) -> models.Model:
    from kindred.referrals.services import ReferredFamily
    from kindred.referrals.tests.conftest import make_referral

    caregiver = family.caregivers.get()
    # Same phone: the referral is linked to this family record (duplicates.find_likely_...).
    referral = make_referral(
        world,
        family=ReferredFamily(
            caregiver_first_name=caregiver.first_name,
            caregiver_last_name=caregiver.last_name,
            phone=caregiver.phone,
        ),
    )
    assert referral.family_id == family.pk
    return referral


def _conference_item(world: Any, family: Family) -> models.Model:
    from kindred.referrals.models import ConferenceItem

    return ConferenceItem.objects.create(
        program=family.program,
        family=family,
        meeting_on=date.today() + timedelta(days=7),
        topic="Introduce the family to a Family Partner",
        added_by=world.coordinator,
    )


def _resource_share(world: Any, family: Family) -> models.Model:
    from kindred.directory.views_share import share_create

    return share_create(family=family, services=[], language="en", email="", by=world.coordinator)


def _escalation(world: Any, family: Family) -> models.Model:
    from kindred.mentors.models import Escalation
    from kindred.mentors.tests.factories import make_active

    mentor = make_active(family.program, world.coordinator, email="walk.mentor@example.test")
    return Escalation.objects.create(
        program=family.program,
        mentor=mentor,
        family=family,
        raised_by=world.supervisor,
        concern="The family is in crisis after a new diagnosis.",
        severity="high",
    )


def _matching_mentor(world: Any, family: Family) -> Any:
    from kindred.families.models import Consent
    from kindred.mentors.tests.factories import make_active

    Consent.objects.create(
        family=family,
        scope="share_with_mentor",
        decision="granted",
        method="verbal",
        recorded_by=world.coordinator,
    )
    return make_active(family.program, world.coordinator, email="match.mentor@example.test")


def _match(world: Any, family: Family) -> models.Model:
    from kindred.matching.services import propose

    return propose(family=family, mentor=_matching_mentor(world, family), by=world.coordinator)


def _blocked_pair(world: Any, family: Family) -> models.Model:
    from kindred.matching.services import add_block
    from kindred.mentors.tests.factories import make_active

    mentor = make_active(family.program, world.coordinator, email="block.mentor@example.test")
    return add_block(family=family, mentor=mentor, by=world.coordinator, note="Neighbours")


def _wishes(world: Any, family: Family) -> models.Model:
    from kindred.matching.models import FamilyWishes

    return FamilyWishes.objects.create(family=family, in_person=True, situations=["military"])


def _group_registration(world: Any, family: Family) -> models.Model:
    from kindred.families.consent import consent_record
    from kindred.groups.services import registration_create
    from kindred.groups.tests.factories import make_group

    consent_record(
        family=family, scope="groups", decision="granted", method="verbal", by=world.coordinator
    )
    group = make_group(family.program, world.coordinator, name="Merge walk group")
    return registration_create(group=group, family=family, by=world.coordinator)


def _group_attendance(world: Any, family: Family) -> models.Model:
    from kindred.groups.schedule import next_occurrences
    from kindred.groups.services import attendance_mark
    from kindred.groups.tests.factories import make_group

    group = make_group(family.program, world.coordinator, name="Merge walk drop-in")
    occurrence = next_occurrences(group, 1)[0]
    return attendance_mark(occurrence=occurrence, family=family, present=True, by=None)


def _calendar_feed(world: Any, family: Family) -> models.Model:
    from kindred.groups.feeds import live_feed

    return live_feed(program=family.program, family=family)


def _encounter_family(world: Any, family: Family) -> models.Model:
    from django.utils import timezone

    from kindred.encounters.services import EncounterInput, encounter_create

    encounter = encounter_create(
        program=family.program,
        data=EncounterInput(
            occurred_at=timezone.now(),
            duration_minutes=20,
            setting="outpatient",
            mode="phone",
            initiated_by="family",
            families=[family],
            mentors=[],
            support_types=["emotional"],
            themes=[],
            notes="",
        ),
        by=world.coordinator,
    )
    return encounter.family_links.get()


def _follow_up(world: Any, family: Family) -> models.Model:
    from datetime import timedelta

    from django.utils import timezone

    from kindred.encounters.services import follow_up_add

    encounter = _encounter_family(world, family).encounter
    return follow_up_add(
        encounter=encounter,
        description="Call back",
        due_on=timezone.localdate() + timedelta(days=3),
        mentor=None,
        by=world.coordinator,
    )


def _survey_invitation(world: Any, family: Family) -> models.Model:
    from kindred.surveys.tests.factories import invite, starters

    family_survey, _mentor_survey = starters(family.program)
    invitation, _token = invite(family_survey, family=family, occasion="intake", key="merge")
    return invitation


BUILDERS: dict[str, Callable[[Any, Family], models.Model]] = {
    "families.Caregiver.family": _caregiver,
    "families.Child.family": _child,
    "families.Consent.family": _consent,
    "referrals.Referral.family": _referral,
    "referrals.ConferenceItem.family": _conference_item,
    "directory.ResourceShare.family": _resource_share,
    "mentors.Escalation.family": _escalation,
    # Last: the match adds a consent to share with a mentor (after _consent took the first).
    "matching.Match.family": _match,
    "matching.BlockedPair.family": _blocked_pair,
    "matching.FamilyWishes.family": _wishes,
    "groups.Registration.family": _group_registration,
    "groups.Attendance.family": _group_attendance,
    "groups.CalendarFeed.family": _calendar_feed,
    "encounters.EncounterFamily.family": _encounter_family,
    "encounters.FollowUp.family": _follow_up,
    "surveys.Invitation.family": _survey_invitation,
}


def test_it_knows_how_every_relation_to_a_family_behaves_on_a_merge() -> None:
    labels = {label for label, _model, _field in relations_to_family()}
    unknown = sorted(labels - set(BUILDERS) - set(STAYS))
    assert not unknown, (
        f"Relations to Family that no merge test covers: {unknown}. Move them in "
        "<app>/family_merge.py (reassign) and add a builder to BUILDERS here, or list them in "
        "STAYS with the reason they stay on the merged record."
    )
    gone = sorted((set(BUILDERS) | set(STAYS)) - labels)
    assert not gone, f"Listed here but no longer a relation to Family: {gone}"


def _two_records_of_one_family(world: Any) -> tuple[Family, Family]:
    keep = make_family(
        world,
        caregiver={"first_name": "Rosa", "last_name": "Vega", "phone": "773-555-0110", "email": ""},
        child={"first_name": "Lía", "date_of_birth": date(2023, 6, 1)},
    )
    merged = make_family(
        world,
        caregiver={"first_name": "Rosie", "last_name": "Vega-Ruiz", "phone": "773-555-0199"},
        child={"first_name": "Lia", "date_of_birth": date(2021, 2, 2)},
    )
    return keep, merged


@pytest.mark.django_db
def test_it_moves_every_relation_to_the_kept_family_on_a_merge(world) -> None:
    keep, merged = _two_records_of_one_family(world)
    built = {label: build(world, merged) for label, build in BUILDERS.items()}
    for label, _model, field in relations_to_family():
        if label in BUILDERS:
            assert getattr(built[label], field.attname) == merged.pk, label
    # A record merged earlier into the one that will be merged away (STAYS: history).
    earlier = make_family(world, caregiver={"first_name": "Old", "phone": "773-555-0177"})
    family_merge(keep=merged, merged=earlier, by=world.coordinator)

    family_merge(keep=keep, merged=merged, by=world.coordinator)

    assert left_behind(merged) == []
    for label, row in built.items():
        row.refresh_from_db()
        field_name = label.rsplit(".", 1)[1]
        assert getattr(row, f"{field_name}_id") == keep.pk, f"{label} was not moved"
    # What stays is what STAYS says.
    assert FamilyMerge.objects.filter(keep=merged, merged=earlier).exists()
    assert Family.objects.get(pk=earlier.pk).merged_into_id == merged.pk
    assert merged.transitions.filter(to_status=Family.Status.MERGED).exists()


@pytest.mark.django_db
def test_it_names_the_relation_a_merge_leaves_behind(world, monkeypatch) -> None:
    """The walk fails when an app has a relation to Family and no merge step: here the mentors
    app's step is taken away, as if it had never been written."""
    real = extensions.family_merge_modules

    def without_mentors(**kwargs: Any) -> tuple[Any, ...]:
        return tuple(m for m in real(**kwargs) if m.__name__ != "kindred.mentors.family_merge")

    monkeypatch.setattr(extensions, "family_merge_modules", without_mentors)
    keep, merged = _two_records_of_one_family(world)
    _escalation(world, merged)
    family_merge(keep=keep, merged=merged, by=world.coordinator)
    assert left_behind(merged) == ["mentors.Escalation.family"]
    assert not Caregiver.objects.filter(family=merged).exists()
    assert not Child.objects.filter(family=merged).exists()
    assert not Consent.objects.filter(family=merged).exists()
