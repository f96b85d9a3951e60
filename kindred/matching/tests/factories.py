"""Families waiting for a mentor and mentors to match, through the real services."""

import zlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kindred.families.models import Child, Condition, ConditionCategory, Consent, Experience, Family
from kindred.matching.models import Match
from kindred.matching.services import approve_and_offer, introduce, mentor_answer, propose, start
from kindred.mentors.models import Mentor
from kindred.mentors.tests.factories import make_active
from kindred.referrals.models import Intake, Referral
from kindred.referrals.services import ReferredFamily
from kindred.referrals.tests.conftest import make_referral


def vocabulary() -> dict[str, Any]:
    category, _ = ConditionCategory.objects.get_or_create(
        slug="heart-test", program=None, defaults={"name": "Congenital heart disease"}
    )
    heart, _ = Condition.objects.get_or_create(
        code="Q21.3", label="Tetralogy of Fallot", program=None, defaults={"category": category}
    )
    other_heart, _ = Condition.objects.get_or_create(
        code="Q23.4", label="Hypoplastic left heart", program=None, defaults={"category": category}
    )
    nicu, _ = Experience.objects.get_or_create(name="NICU stay test", program=None)
    return {"heart": heart, "other_heart": other_heart, "nicu": nicu, "category": category}


def grant_mentor_consent(family: Family, by: Any) -> None:
    Consent.objects.create(
        family=family,
        scope=Consent.Scope.SHARE_WITH_MENTOR,
        decision=Consent.Decision.GRANTED,
        method="verbal",
        recorded_by=by,
    )


def waiting_family(
    world: Any,
    *,
    name: str = "Quintero",
    language: str = "es",
    zip_code: str = "60614",
    consent: bool = True,
    conditions: tuple[Condition, ...] = (),
    experiences: tuple[Experience, ...] = (),
    criteria: dict[str, str] | None = None,
    hours_ago: int = 1,
    mentor_language: str = "",
    support: str = "one-to-one",
) -> Family:
    """A referred family with a child, an intake asking for a mentor, and (by default) the
    consent to share with a mentor."""
    referral = make_referral(
        world,
        family=ReferredFamily(
            caregiver_first_name="Marisol",
            caregiver_last_name=name,
            # From the name, the same in every process (str hash() is salted per process, so
            # two names shared a phone in about one run in a hundred and became one family).
            phone=f"555-{200 + zlib.crc32(name.encode()) % 800}-3344",
            language=language,
            child_first_name="Teo",
        ),
    )
    family = referral.family
    Family.objects.filter(pk=family.pk).update(zip_code=zip_code)
    family.refresh_from_db()
    child = family.children.first() or Child.objects.create(family=family, first_name="Teo")
    child.date_of_birth = date.today() - timedelta(days=400)
    child.save(update_fields=["date_of_birth"])
    child.conditions.set(conditions)
    child.experiences.set(experiences)
    if consent:
        grant_mentor_consent(family, world.coordinator)
    Intake.objects.create(
        referral=referral,
        support_wanted=support,
        criteria=criteria or {},
        mentor_language=mentor_language,
        done_by=world.coordinator,
        done_at=timezone.now() - timedelta(hours=hours_ago),
    )
    referral.transition(to="accepted", by=world.coordinator)
    return family


def matchable_mentor(
    world: Any, *, name: str, email: str, user: Any = None, **fields: Any
) -> Mentor:
    conditions = fields.pop("conditions", ())
    experiences = fields.pop("experiences", ())
    mentor = make_active(
        world.program_a,
        world.coordinator,
        full_name=name,
        email=email,
        preferred_language="en",
        **fields,
    )
    mentor.child_conditions.set(conditions)
    mentor.child_experiences.set(experiences)
    if user is not None:
        mentor.user = user
        mentor.save(update_fields=["user"])
    return mentor


def offered_match(world: Any, family: Family, mentor: Mentor) -> Match:
    match = propose(family=family, mentor=mentor, by=world.coordinator, score=80)
    return approve_and_offer(match=match, by=world.coordinator)


def active_match(world: Any, family: Family, mentor: Mentor) -> Match:
    match = offered_match(world, family, mentor)
    mentor_answer(match=match, by=mentor.user or world.mentor, answer="accept")
    introduce(match=match, by=world.coordinator)
    return start(match=match, by=world.coordinator)


__all__ = ["Referral"]
