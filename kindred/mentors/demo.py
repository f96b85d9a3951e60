"""Demo mentors of the Riverbend Family Partner Program: three active Family Partners (as in the
program of seed 000), one paused, a training cohort, applicants. Fictional people, English- and
Spanish-speaking. Idempotent: people are found again by e-mail, courses and cohorts by name."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kindred.families.models import Condition, Experience
from kindred.lib.demo import DEMO_DOMAIN, DemoContext
from kindred.mentors.models import (
    Escalation,
    Mentor,
    QualificationType,
    ScreeningItem,
    SupervisionSession,
    TrainingCohort,
    TrainingCourse,
    TrainingModule,
    TrainingSession,
    WellbeingCheckIn,
)
from kindred.mentors.services import (
    mentor_change_status,
    program_ensure_mentor_lists,
    qualification_record,
    screening_record,
)

INITIAL_MODULES = [
    # Seed 000: trained in the shared experience, the health-coach model and health systems.
    ("Using your shared experience", Decimal("4"), "in_person"),
    ("The health coach model", Decimal("4"), "in_person"),
    ("Navigating the health system", Decimal("4"), "online"),
    ("Boundaries, confidentiality and self-care", Decimal("4"), "in_person"),
]

# key, name, preferred language, languages, status, conditions (ICD-10), experiences, settings, notes
PEOPLE: list[dict[str, Any]] = [
    {
        "key": "keisha",
        "name": "Keisha Brown",
        "email": f"mentor@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en"],
        "status": "active",
        "conditions": ["Q23.4"],
        "experiences": ["Heart surgery", "Long hospital stay (over a month)"],
        "settings": ["cardiac", "picu", "outpatient"],
        "travel": "25",
        "max": 8,
        "treatments": "Three heart surgeries (Norwood, Glenn, Fontan); feeding tube for a year.",
        "why": "My son spent his first months in the cardiac ICU. A veteran mom sat with me; I want to be that person.",
    },
    {
        "key": "marisol",
        "name": "Marisol Vega",
        "email": f"marisol.vega@{DEMO_DOMAIN}",
        "lang": "es",
        "langs": ["es", "en"],
        "status": "active",
        "conditions": ["P07.25", "P27.1"],
        "experiences": ["NICU stay", "Feeding tube", "Home nursing"],
        "settings": ["nicu", "home_health", "early_intervention"],
        "travel": "10",
        "max": 6,
        "treatments": "Oxígeno en casa durante 8 meses, sonda de alimentación.",
        "why": "Mi hija nació a las 27 semanas. Quiero que otras mamás hispanas no se sientan solas en la UCIN.",
    },
    {
        "key": "dana",
        "name": "Dana Whitaker",
        "email": f"dana.whitaker@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en"],
        "status": "active",
        "conditions": ["C91.00"],
        "experiences": ["Chemotherapy", "Sibling support"],
        "settings": ["oncology", "outpatient", "school"],
        "travel": "any",
        "max": 5,
        "treatments": "Two and a half years of chemotherapy; port; school re-entry plan.",
        "why": "Leukemia turned our family upside down. I learned how to ask for help and want to pass that on.",
    },
    {
        "key": "grace",
        "name": "Grace Liu",
        "email": f"grace.liu@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en", "zh"],
        "status": "paused",
        "conditions": ["E10.9"],
        "experiences": ["New diagnosis"],
        "settings": ["outpatient"],
        "travel": "remote",
        "max": 4,
        "treatments": "Insulin pump and continuous glucose monitor.",
        "why": "Diabetes is a daily job; I can help parents find their rhythm.",
    },
    {
        "key": "fatima",
        "name": "Fatima Hassan",
        "email": f"fatima.hassan@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en", "ar"],
        "status": "training",
        "conditions": ["Q90.9"],
        "experiences": ["Prenatal diagnosis", "Heart surgery"],
        "settings": ["cardiac", "early_intervention"],
        "travel": "25",
        "max": 4,
        "treatments": "AV canal repair at 4 months; speech and physical therapy.",
        "why": "Parents who receive a Down syndrome diagnosis deserve to hear hope early.",
    },
    {
        "key": "luis",
        "name": "Luis Ortega",
        "email": f"luis.ortega@{DEMO_DOMAIN}",
        "lang": "es",
        "langs": ["es"],
        "status": "training",
        "conditions": ["Z93.0", "Z99.11"],
        "experiences": ["Tracheostomy", "Ventilator at home"],
        "settings": ["picu", "home_health"],
        "travel": "50",
        "max": 4,
        "treatments": "Traqueostomía y ventilador en casa desde los 2 años.",
        "why": "Los papás también necesitamos hablar con otro papá que entienda.",
    },
    {
        "key": "beth",
        "name": "Beth Sommers",
        "email": f"beth.sommers@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en"],
        "status": "training",
        "conditions": ["F84.0"],
        "experiences": ["Special education (IEP)"],
        "settings": ["school", "outpatient"],
        "travel": "10",
        "max": 4,
        "treatments": "Applied behavior analysis, speech therapy.",
        "why": "I have sat through a dozen IEP meetings and can help parents prepare for theirs.",
    },
    {
        "key": "rosa",
        "name": "Rosa Jiménez",
        "email": f"rosa.jimenez@{DEMO_DOMAIN}",
        "lang": "es",
        "langs": ["es"],
        "status": "applicant",
        "conditions": ["Q05.9"],
        "experiences": ["Wheelchair or mobility equipment"],
        "settings": ["outpatient"],
        "travel": "10",
        "max": 3,
        "treatments": "Cirugía de espalda al nacer, válvula.",
        "why": "Quiero ayudar a otras familias con espina bífida.",
    },
    {
        "key": "tyler",
        "name": "Tyler Brooks",
        "email": f"tyler.brooks@{DEMO_DOMAIN}",
        "lang": "en",
        "langs": ["en"],
        "status": "screening",
        "conditions": ["E84.9"],
        "experiences": ["Long hospital stay (over a month)"],
        "settings": ["inpatient"],
        "travel": "25",
        "max": 3,
        "treatments": "Airway clearance, enzymes.",
        "why": "Dads rarely get asked how they are doing. I want to ask.",
    },
]


def _mentor(ctx: DemoContext, person: dict[str, Any]) -> tuple[Mentor, bool]:
    program = ctx.program
    mentor = Mentor.objects.filter(program=program, email__iexact=person["email"]).first()
    if mentor is not None:
        return mentor, False
    mentor = Mentor.objects.create(
        program=program,
        full_name=person["name"],
        email=person["email"],
        phone="555-0100",
        preferred_language=person["lang"],
        languages=person["langs"],
        postal_code="60614",
        travel=person["travel"],
        treatments=person["treatments"],
        care_settings=person["settings"],
        availability_days=["tue", "thu", "sat"],
        availability_times=["evening"],
        motivation=person["why"],
        references="Two references on file (demo).",
        max_families=person["max"],
        applied_at=timezone.now() - timedelta(days=200),
    )
    mentor.write_transition_row(from_status="", to_status="applicant", by=None)
    mentor.child_conditions.set(
        Condition.objects.filter(program__isnull=True, code__in=person["conditions"])
    )
    mentor.child_experiences.set(
        Experience.objects.filter(program__isnull=True, name__in=person["experiences"])
    )
    return mentor, True


def load(ctx: DemoContext) -> None:
    program = ctx.program
    coordinator, supervisor = ctx.users["coordinator"], ctx.users["supervisor"]
    today = timezone.localdate()
    program_ensure_mentor_lists(program=program)
    program_ensure_mentor_lists(program=ctx.other_program)
    course, _ = TrainingCourse.objects.get_or_create(
        program=program,
        title="Family Partner initial training",
        defaults={
            "required_for_activation": True,
            "description": "Sixteen hours in four modules, in a cohort of 8–12 parents.",
        },
    )
    if not course.modules.exists():
        for i, (title, hours, delivery) in enumerate(INITIAL_MODULES):
            TrainingModule.objects.create(
                course=course, title=title, hours=hours, delivery=delivery, position=i
            )
    refresher, _ = TrainingCourse.objects.get_or_create(program=program, title="Annual refresher")
    if not refresher.modules.exists():
        TrainingModule.objects.create(
            course=refresher,
            title="Safety, mandated reporting and escalation",
            hours=Decimal("2"),
            delivery="online",
        )
    mentors: dict[str, Mentor] = {}
    created: set[str] = set()
    for person in PEOPLE:
        mentor, new = _mentor(ctx, person)
        mentors[person["key"]] = mentor
        if new:
            created.add(person["key"])
    required_items = list(ScreeningItem.objects.filter(program=program, required=True))

    def screen(mentor: Mentor, days_ago: int) -> None:
        for item in required_items:
            screening_record(
                mentor=mentor,
                item=item,
                result="passed",
                done_on=today - timedelta(days=days_ago),
                notes="",
                by=coordinator,
            )

    # The spring cohort trained the three active Family Partners and Grace.
    spring, spring_new = TrainingCohort.objects.get_or_create(
        program=program,
        name="Spring 2026 cohort",
        defaults={"course": course, "starts_on": today - timedelta(days=180)},
    )
    veterans = [mentors[k] for k in ("keisha", "marisol", "dana", "grace")]
    if spring_new:
        spring.mentors.set(veterans)
        for m in veterans:
            if m.status == "applicant":
                mentor_change_status(mentor=m, to="screening", by=coordinator)
                screen(m, 190)
                mentor_change_status(mentor=m, to="training", by=coordinator)
        for i, module in enumerate(course.modules.all()):
            session = TrainingSession.objects.create(
                cohort=spring,
                module=module,
                held_on=today - timedelta(days=180 - 7 * i),
                location="Room 4B",
            )
            session.record_attendance(present_ids={m.pk for m in veterans}, by=coordinator)
        for m in veterans:
            if m.status == "training":
                mentor_change_status(mentor=m, to="active", by=coordinator, reason="")
        types = {t.name: t for t in QualificationType.objects.filter(program=program)}
        for m in veterans:
            for name in ("Background check", "Confidentiality agreement", "Inpatient clearance"):
                qualification_record(
                    mentor=m,
                    type=types[name],
                    obtained_on=today - timedelta(days=190),
                    by=coordinator,
                )
            # Dana's refresher expires in three weeks: the reminder and the list badge show it.
            obtained = (
                today - timedelta(days=345)
                if m.full_name.startswith("Dana")
                else today - timedelta(days=60)
            )
            qualification_record(
                mentor=m,
                type=types["Annual refresher training"],
                obtained_on=obtained,
                by=coordinator,
            )
        grace = mentors["grace"]
        mentor_change_status(
            mentor=grace,
            to="paused",
            by=coordinator,
            reason="Family move; back after the school year.",
            paused_until=today + timedelta(days=75),
        )
        keisha = mentors["keisha"]
        keisha.user = ctx.users["mentor"]
        keisha.save(update_fields=["user"])
        Mentor.objects.filter(pk=mentors["keisha"].pk).update(active_family_count=0)

    fall, fall_new = TrainingCohort.objects.get_or_create(
        program=program,
        name="Fall 2026 cohort",
        defaults={"course": course, "starts_on": today - timedelta(days=10)},
    )
    trainees = [mentors[k] for k in ("fatima", "luis", "beth")]
    if fall_new:
        for m in trainees:
            if m.status == "applicant":
                mentor_change_status(mentor=m, to="screening", by=coordinator)
                screen(m, 30)
                mentor_change_status(mentor=m, to="training", by=coordinator)
        fall.mentors.set(trainees)
        for i, module in enumerate(course.modules.all()):
            session = TrainingSession.objects.create(
                cohort=fall,
                module=module,
                held_on=today - timedelta(days=10) + timedelta(days=7 * i),
                location="Room 4B / video",
            )
            if session.held_on <= today:
                session.record_attendance(present_ids={m.pk for m in trainees}, by=coordinator)
    if "tyler" in created:
        tyler = mentors["tyler"]
        mentor_change_status(mentor=tyler, to="screening", by=coordinator)
        interview = ScreeningItem.objects.filter(program=program).order_by("position").first()
        if interview:
            screening_record(
                mentor=tyler,
                item=interview,
                result="passed",
                done_on=today - timedelta(days=3),
                notes="Warm, clear about boundaries.",
                by=coordinator,
            )

    if not SupervisionSession.objects.filter(program=program).exists():
        group = SupervisionSession.objects.create(
            program=program,
            kind="group",
            held_on=today - timedelta(days=14),
            duration_minutes=90,
            supervisor=supervisor,
            recorded_by=supervisor,
            topics="Holding hope and honesty; self-care plans.",
            follow_ups="Share the bereavement resource list.",
        )
        group.mentors.set([mentors["keisha"], mentors["marisol"], mentors["dana"]])
        one = SupervisionSession.objects.create(
            program=program,
            kind="individual",
            held_on=today - timedelta(days=5),
            duration_minutes=45,
            supervisor=supervisor,
            recorded_by=supervisor,
            topics="First NICU families in Spanish.",
        )
        one.mentors.set([mentors["marisol"]])
        WellbeingCheckIn.objects.create(
            mentor=mentors["dana"],
            score=2,
            workload="heavy",
            wants_to_talk=True,
            notes="A hard week.",
            by=coordinator,
        )
        Escalation.objects.create(
            program=program,
            mentor=mentors["dana"],
            raised_by=coordinator,
            severity="medium",
            concern="Asked for a supervisor's call after a difficult conversation (demo).",
        )
    ctx.say(f"Mentors: {Mentor.objects.filter(program=program).count()} people in the pipeline.")
