"""A program the size of seed 000 (Pollock et al. 2022): 3 Family Partners, 90 children, 203
encounters over six months, inpatient and outpatient, emotional and tangible support, the seed's
themes. `build(world)` plants it in program A through the services where they exist and returns
the plan (what was planted), from which the test computes every number on its own.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from kindred.encounters.models import (
    Encounter,
    EncounterFamily,
    EncounterMentor,
    EncounterSupport,
    Theme,
)
from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Child, Condition, ConditionCategory, Consent, Family
from kindred.families.services import family_create
from kindred.mentors.tests.factories import make_active
from kindred.referrals import daily
from kindred.referrals.models import Intake, Referral
from kindred.referrals.services import ReferredFamily
from kindred.referrals.tests.conftest import make_referral

THEMES = [
    ("care-coordination", "Care coordination and management needs"),
    ("worry-stress", "Worry and stress about the child and family"),
    ("self-care", "Stress management and self-care"),
    ("navigating", "Navigating the health system"),
    ("siblings", "Siblings and family life"),
]
ZIPS = ["27705", "27514", "27705-1234", "03601", "27103", ""]
LANGUAGES = ["es", "en", "en", "vi", "en"]


@dataclass
class Plan:
    start: date
    end: date
    families: list[dict[str, Any]] = field(default_factory=list)
    encounters: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    mentors: list[Any] = field(default_factory=list)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def build(world: Any) -> Plan:
    program = world.program_a
    today = timezone.localdate()
    end = today + timedelta(days=1)
    plan = Plan(start=end - timedelta(days=182), end=end)
    mentors = [
        make_active(program, world.coordinator, full_name=f"Partner {n}", email=f"fp{n}@a.test")
        for n in range(3)
    ]
    mentors[0].user = world.mentor
    mentors[0].save(update_fields=["user"])
    plan.mentors = mentors
    heart_cat, _ = ConditionCategory.objects.get_or_create(
        slug="heart-seed", program=None, defaults={"name": "Heart conditions"}
    )
    lung_cat, _ = ConditionCategory.objects.get_or_create(
        slug="lung-seed", program=None, defaults={"name": "Lung conditions"}
    )
    heart, _ = Condition.objects.get_or_create(
        code="Q21.3", label="Tetralogy of Fallot (seed)", program=None, category=heart_cat
    )
    lung, _ = Condition.objects.get_or_create(
        code="P27.1", label="Bronchopulmonary dysplasia (seed)", program=None, category=lung_cat
    )
    themes = {
        slug: Theme.objects.create(program=program, slug=slug, name=name, position=n)
        for n, (slug, name) in enumerate(THEMES)
    }
    for i in range(70):
        language = LANGUAGES[i % len(LANGUAGES)]
        zip_code = ZIPS[i % len(ZIPS)]
        conditions = [heart] if i % 2 == 0 else ([lung] if i % 3 == 0 else [])
        referral = None
        if i < 12:
            referral = make_referral(
                world,
                family=ReferredFamily(
                    caregiver_first_name=f"Seedparent{i}",
                    caregiver_last_name=f"Seedfamily{i}",
                    phone=f"919-555-{2000 + i:04d}",
                    language=language,
                    child_first_name=f"Seedchild{i}",
                ),
                source="self" if i % 3 == 0 else "referrer",
            )
            family = referral.family
            Family.objects.filter(pk=family.pk).update(zip_code=zip_code)
            for child in family.children.all():
                child.conditions.set(conditions)
            if i < 20:
                Child.objects.create(family=family, first_name=f"Seedsib{i}")
        else:
            family = family_create(
                program=program,
                family=FamilyInput(
                    name=f"Seedfamily{i}",
                    zip_code=zip_code,
                    caregivers=[
                        CaregiverInput(
                            first_name=f"Seedparent{i}",
                            relationship="mother",
                            phone=f"919-555-{2000 + i:04d}",
                            preferred_language=language,
                        )
                    ],
                    children=[
                        ChildInput(first_name=f"Seedchild{i}", conditions=conditions),
                        *([ChildInput(first_name=f"Seedsib{i}")] if i < 20 else []),
                    ],
                    consents=[ConsentInput(scope=Consent.Scope.CONTACT, method="verbal")],
                ),
                by=world.coordinator,
                audit=False,
            )
        family.refresh_from_db()
        plan.families.append(
            {
                "family": family,
                "language": language,
                "zip": zip_code,
                "categories": {c.category.name for c in conditions},
                "children": list(family.children.values_list("pk", flat=True)),
                "caregiver": family.caregivers.get().pk,
                "source": referral.source if referral else None,
            }
        )
        if referral:
            plan.referrals.append({"referral": referral, "contact_hours": None})
    _contact_referrals(plan)
    _encounters(world, plan, mentors, themes)
    _distractors(world, plan, mentors)
    return plan


def _contact_referrals(plan: Plan) -> None:
    """Eight of the twelve referrals contacted, after 2 to 72 hours."""
    for n, entry in enumerate(plan.referrals[:8]):
        referral = entry["referral"]
        hours = [2, 5, 20, 30, 47, 50, 60, 72][n]
        Referral.objects.filter(pk=referral.pk).update(
            first_contact_at=referral.received_at + timedelta(hours=hours)
        )
        entry["contact_hours"] = hours
    daily.rebuild(plan.referrals[0]["referral"].program_id)


def _encounters(world: Any, plan: Plan, mentors: list[Any], themes: dict[str, Theme]) -> None:
    program = world.program_a
    for k in range(203):
        day = plan.start + timedelta(days=(k * 181) // 203)
        occurred = _at(day, 8 + k % 10)
        families = [plan.families[k % 70]]
        if k % 40 == 7:  # a visit to the NICU family lounge: two families at once
            families.append(plan.families[(k + 1) % 70])
        team = [mentors[k % 3]] + ([mentors[(k + 1) % 3]] if k % 50 == 3 else [])
        setting = "inpatient" if k % 3 == 0 else "outpatient"
        mode = "in_person" if setting == "inpatient" else ["phone", "in_person", "video"][k % 3]
        supports = ["emotional"] if k % 7 else []
        if k % 2 == 0:
            supports.append("tangible")
        if k % 5 == 0:
            supports.append("informational")
        chosen = [
            slug
            for slug, keep in (
                ("care-coordination", k % 2 == 0),
                ("worry-stress", k % 3 != 2),
                ("self-care", k % 4 == 0),
                ("navigating", k % 11 == 0),
            )
            if keep
        ]
        children = [c for f in families for c in f["children"][: 1 + k % 2]]
        caregivers = [f["caregiver"] for f in families]
        minutes = 15 + (k % 6) * 10
        encounter = Encounter.objects.create(
            program=program,
            occurred_at=occurred,
            duration_minutes=minutes,
            setting=setting,
            mode=mode,
            initiated_by="mentor",
            created_by=world.coordinator,
            notes=f"Seednote {k}",
        )
        for f in families:
            EncounterFamily.objects.create(encounter=encounter, family=f["family"])
        for m in team:
            EncounterMentor.objects.create(encounter=encounter, mentor=m)
        for s in supports:
            EncounterSupport.objects.create(encounter=encounter, support_type=s)
        encounter.themes.set([themes[s] for s in chosen])
        encounter.children.set(children)
        encounter.caregivers.set(caregivers)
        plan.encounters.append(
            {
                "families": [f["family"].pk for f in families],
                "mentors": [m.pk for m in team],
                "setting": setting,
                "mode": mode,
                "supports": supports,
                "themes": chosen,
                "children": children,
                "caregivers": caregivers,
                "minutes": minutes,
            }
        )


def _distractors(world: Any, plan: Plan, mentors: list[Any]) -> None:
    """What the report must leave out: encounters entered in error, before and after the period,
    and in another program."""
    program = world.program_a
    family = plan.families[0]["family"]
    moments = [
        (program, _at(plan.start, 0) - timedelta(minutes=1), False),
        (program, _at(plan.end, 0), False),
        (program, _at(plan.start + timedelta(days=10)), True),
        (program, _at(plan.start + timedelta(days=20)), True),
    ]
    for prog, moment, in_error in moments:
        e = Encounter.objects.create(
            program=prog,
            occurred_at=moment,
            duration_minutes=45,
            setting="home",
            mode="phone",
            initiated_by="family",
            created_by=world.coordinator,
            entered_in_error=in_error,
            error_reason="Wrong family" if in_error else "",
            error_marked_at=timezone.now() if in_error else None,
        )
        EncounterFamily.objects.create(encounter=e, family=family)
        EncounterMentor.objects.create(encounter=e, mentor=mentors[0])
        EncounterSupport.objects.create(encounter=e, support_type="affirmation")
    other = family_create(
        program=world.program_b,
        family=FamilyInput(
            name="Bravo", caregivers=[CaregiverInput(first_name="Outside", relationship="father")]
        ),
        by=world.outsider,
        audit=False,
    )
    e = Encounter.objects.create(
        program=world.program_b,
        occurred_at=_at(plan.start + timedelta(days=5)),
        duration_minutes=50,
        setting="home",
        mode="phone",
        initiated_by="family",
        created_by=world.outsider,
    )
    EncounterFamily.objects.create(encounter=e, family=other)


def add_intakes(world: Any, plan: Plan) -> None:
    """Intakes for the referral families (for matching measures)."""
    for entry in plan.referrals:
        Intake.objects.create(referral=entry["referral"], done_by=world.coordinator)
