"""Demo families for the demo program: ~90 clearly fictional families, a third Spanish-speaking.

Idempotent: each demo family carries the form token "demo:<n>", so a second run adds nothing.
Phone numbers use the 555-01xx range reserved for fiction; e-mails use example.test.
"""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kindred.families.consent import consent_record
from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Condition, Consent, Experience, Family
from kindred.families.services import family_create

COUNT = 90

EN_FIRST = [
    "Jessica",
    "Ashley",
    "Megan",
    "Brittany",
    "Lauren",
    "Tasha",
    "Keisha",
    "Amber",
    "Heather",
    "Nicole",
    "Danielle",
    "Crystal",
    "Hannah",
    "Emily",
    "Sarah",
    "Aisha",
    "Mai",
    "Linh",
    "Fatima",
    "Hodan",
    "Grace",
    "Chloe",
    "Olivia",
    "Maya",
]
EN_MEN = ["Marcus", "Tyler", "Jordan", "Andre", "Kevin", "Brian", "Darnell", "Ryan", "Tuan", "Omar"]
EN_LAST = [
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Martin",
    "Thompson",
    "Robinson",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Nguyen",
    "Tran",
    "Ahmed",
    "Hassan",
    "Okafor",
    "Kowalski",
    "Olsen",
    "Fitzgerald",
]
ES_FIRST = [
    "María",
    "Guadalupe",
    "Rosa",
    "Ana",
    "Verónica",
    "Yesenia",
    "Leticia",
    "Claudia",
    "Alejandra",
    "Maribel",
    "Lucía",
    "Carmen",
    "Elena",
    "Daniela",
]
ES_MEN = ["José", "Luis", "Juan", "Miguel", "Carlos", "Jorge", "Alejandro", "Francisco"]
ES_LAST = [
    "García",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Cruz",
    "Morales",
    "Reyes",
    "Ortiz",
]
KIDS_EN = [
    "Liam",
    "Noah",
    "Ava",
    "Mia",
    "Elijah",
    "Zoe",
    "Caleb",
    "Aaliyah",
    "Ethan",
    "Lily",
    "Jayden",
    "Nora",
    "Isaiah",
    "Ruby",
    "Owen",
    "Layla",
    "Miles",
    "Stella",
    "Bao",
    "Amir",
]
KIDS_ES = [
    "Mateo",
    "Santiago",
    "Valentina",
    "Sofía",
    "Camila",
    "Diego",
    "Ximena",
    "Emiliano",
    "Isabella",
    "Sebastián",
    "Renata",
    "Leonardo",
    "Regina",
    "Gael",
]
CARE_SETTINGS = [
    "NICU",
    "PICU",
    "Cardiac ICU",
    "Cardiology clinic",
    "Neurology clinic",
    "Oncology clinic",
    "Complex care clinic",
    "Pulmonary clinic",
    "Home nursing",
    "Endocrinology clinic",
]
TIMES = ["Weekday evenings", "Mornings before 10", "Weekends", "After 6 pm", "Lunchtime", ""]
CITIES = [
    ("Riverbend", "IL", "60601"),
    ("Riverbend", "IL", "60623"),
    ("Millbrook", "IL", "60402"),
    ("Cedar Falls", "IL", "60513"),
    ("Lakeside", "IL", "60629"),
    ("Oak Hollow", "IL", "60453"),
]
STREETS = [
    "Maple Ave",
    "Elm St",
    "Oak Park Blvd",
    "Pulaski Rd",
    "Cermak Rd",
    "Lake St",
    "Ashland Ave",
]
NOTES_EN = [
    "Met at the NICU family lounge.",
    "Referred by the cardiology social worker.",
    "Would like to talk to a parent whose child also has a trach.",
    "Prefers short calls; new baby at home.",
    "",
]
NOTES_ES = [
    "La conocimos en la sala de familias de la UCIN.",
    "Prefiere mensajes de texto en español.",
    "Le gustaría hablar con otra mamá de un niño con sonda de alimentación.",
    "",
]


def _phone(n: int) -> str:
    return f"(312) 555-{100 + n % 100:04d}" if n % 2 else f"773-555-{100 + n % 100:04d}"


def load(ctx: Any) -> None:
    program = ctx.program
    demo_tokens = "demo:"
    existing = set(
        Family.objects.filter(program=program, form_token__startswith=demo_tokens).values_list(
            "form_token", flat=True
        )
    )
    conditions = list(Condition.objects.filter(program=None, is_active=True))
    experiences = {e.name: e for e in Experience.objects.filter(program=None)}
    rng = random.Random(20241122)
    today = timezone.localdate()
    created = 0
    for n in range(COUNT):
        token = f"demo:{n}"
        # Draw every family's values even when it exists, so each family stays the same.
        spanish = n % 3 == 0
        first = rng.choice(ES_FIRST if spanish else EN_FIRST)
        last = rng.choice(ES_LAST if spanish else EN_LAST)
        second_parent = rng.random() < 0.35
        partner = rng.choice(ES_MEN if spanish else EN_MEN)
        kid = rng.choice(KIDS_ES if spanish else KIDS_EN)
        age_days = rng.randint(20, 17 * 365)
        kid_conditions = rng.sample(conditions, k=rng.choice([1, 1, 2]))
        kid_experiences = rng.sample(list(experiences.values()), k=rng.choice([0, 1, 2]))
        sibling = rng.random() < 0.12
        city, state, zip_code = rng.choice(CITIES)
        street = f"{rng.randint(100, 9999)} {rng.choice(STREETS)}"
        note = rng.choice(NOTES_ES if spanish else NOTES_EN)
        share = rng.random() < 0.7
        withdrawn = rng.random() < 0.05
        closed = rng.random() < 0.08
        bereaved = n in (17, 58)
        days_ago = rng.randint(1, 240)
        contact_time = rng.choice(TIMES)
        if token in existing:
            continue
        caregivers = [
            CaregiverInput(
                first_name=first,
                last_name=last,
                relationship="mother",
                phone=_phone(n),
                email=f"{first.lower()[:3]}.{n}@example.test" if n % 4 else "",
                preferred_language="es" if spanish else "en",
                interpreter_needed=spanish and n % 2 == 0,
                preferred_contact_method="text" if n % 5 == 0 else "phone",
                preferred_contact_time=contact_time,
                gender="woman",
            )
        ]
        if second_parent:
            caregivers.append(
                CaregiverInput(
                    first_name=partner,
                    last_name=last,
                    relationship="father",
                    phone=_phone(n + 37),
                    preferred_language="es" if spanish else "en",
                    gender="man",
                )
            )
        children = [
            ChildInput(
                first_name=kid,
                last_name=last,
                date_of_birth=today - timedelta(days=age_days),
                conditions=[c.pk for c in kid_conditions],
                experiences=[e.pk for e in kid_experiences],
                care_settings=rng.choice(CARE_SETTINGS),
                is_deceased=bereaved,
            )
        ]
        if sibling:
            children.append(
                ChildInput(
                    first_name=rng.choice(KIDS_ES if spanish else KIDS_EN),
                    last_name=last,
                    date_of_birth=today - timedelta(days=age_days + 700),
                    conditions=[rng.choice(conditions).pk],
                )
            )
        scopes = [(Consent.Scope.CONTACT, "verbal")]
        if share:
            scopes.append((Consent.Scope.SHARE_WITH_MENTOR, "verbal"))
            scopes.append((Consent.Scope.SHARE_STATUS_WITH_REFERRER, "verbal"))
        if n % 4 == 0:
            scopes.append((Consent.Scope.GROUPS, "written"))
        if n % 3 == 1:
            scopes.append((Consent.Scope.EVALUATION_DEIDENTIFIED, "electronic"))
        when = timezone.now() - timedelta(days=min(days_ago, age_days - 1))
        family = family_create(
            program=program,
            family=FamilyInput(
                caregivers=caregivers,
                children=children,
                consents=[
                    ConsentInput(scope=scope, method=method, effective_at=when)
                    for scope, method in scopes
                ],
                address_line1=street,
                city=city,
                state=state,
                zip_code=zip_code,
                notes=note,
            ),
            by=ctx.users["coordinator"],
            form_token=token,
            audit=False,
        )
        Family.objects.filter(pk=family.pk).update(created_at=when, updated_at=when)
        family.caregivers.update(created_at=when)
        family.children.update(created_at=when, updated_at=when)
        if withdrawn:
            consent_record(
                family=family,
                scope=Consent.Scope.CONTACT,
                decision=Consent.Decision.WITHDRAWN,
                method=Consent.Method.VERBAL,
                by=ctx.users["coordinator"],
                given_by=family.caregivers.first(),
                note="Asked for no more calls for now.",
            )
        if closed:
            family.transition(
                to=Family.Status.CLOSED,
                reason="Family moved out of state.",
                by=ctx.users["coordinator"],
            )
        created += 1
    ctx.say(f"families: {created} demo families added ({COUNT} in all)")
