"""Demo support groups of the Riverbend program: NICU parents (weekly, hybrid, childcare),
Spanish-speaking families (monthly, in Spanish, food and childcare) and bereaved parents
(monthly, by video), each with six months of past sessions (topics, speakers, attendance) and
upcoming ones. Idempotent: groups are found again by name; sessions and marks by their keys."""

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kindred.families.consent import Scope, consent_record, may
from kindred.families.models import Family
from kindred.groups import directory_sync
from kindred.groups.models import Attendance, Facilitator, Registration, SupportGroup
from kindred.groups.schedule import clean_rule, occurrences, session_for
from kindred.groups.services import attendance_mark, registration_create, session_cancel
from kindred.lib.demo import DemoContext
from kindred.mentors.models import Mentor

TOPICS = [
    (
        "Feeding in the NICU and at home",
        "La alimentación en la UCIN y en casa",
        [("Dr. Priya Raman", "Neonatologist")],
    ),
    (
        "Talking with your care team",
        "Cómo hablar con su equipo de atención",
        [("Marcus Lee", "NICU nurse")],
    ),
    ("Caring for yourself too", "Cuidarse también usted", [("Dr. Hannah Cole", "Psychologist")]),
    (
        "Parent panel: coming home",
        "Panel de padres: la llegada a casa",
        [("Keisha Brown", "Parent"), ("Luis Ortega", "Parent")],
    ),
    ("Insurance and benefits", "Seguros y beneficios", [("Angela Ruiz", "Social worker")]),
    ("Siblings and the rest of the family", "Los hermanos y el resto de la familia", []),
]

GROUPS: list[dict[str, Any]] = [
    {
        "name": "NICU parents",
        "name_es": "Padres de la UCIN",
        "description": "For parents with a baby in the NICU or just home: support from parents who have been there, with a guest from the care team each month.",
        "description_es": "Para padres con un bebé en la UCIN o recién llegado a casa: apoyo de padres que pasaron por lo mismo, con un invitado del equipo de atención cada mes.",
        "populations": ["nicu"],
        "language": "en",
        "rule": "FREQ=WEEKLY;BYDAY=TH",
        "start_time": time(18, 30),
        "format": "hybrid",
        "place": "Riverbend Children's Hospital, family lounge (4th floor)",
        "video_link": "https://video.example.test/riverbend-nicu",
        "offers_childcare": True,
        "parking": "Free parking validated at the front desk",
        "capacity": 12,
        "leader": "mentor",
    },
    {
        "name": "Familias en español",
        "name_es": "Familias en español",
        "description": "A monthly group in Spanish for families of children with special health care needs.",
        "description_es": "Un grupo mensual en español para familias de niños con necesidades especiales de salud.",
        "populations": ["spanish_speaking"],
        "language": "es",
        "rule": "FREQ=MONTHLY;BYDAY=2SA",
        "start_time": time(10, 0),
        "format": "in_person",
        "place": "Centro Comunitario La Esperanza, salón B",
        "offers_childcare": True,
        "offers_food": True,
        "capacity": 15,
        "leader": "coordinator",
    },
    {
        "name": "Bereaved parents",
        "name_es": "Padres en duelo",
        "description": "A quiet space, by video, for parents whose child has died. Led by a bereaved parent.",
        "description_es": "Un espacio tranquilo, por video, para padres cuyo hijo ha fallecido. Lo dirige una madre en duelo.",
        "populations": ["bereaved"],
        "language": "en",
        "rule": "FREQ=MONTHLY;BYDAY=1WE",
        "start_time": time(19, 0),
        "format": "video",
        "video_link": "https://video.example.test/riverbend-together",
        "capacity": 3,
        "leader": "supervisor",
    },
]


def _group(ctx: DemoContext, spec: dict[str, Any], first: date) -> SupportGroup:
    group = SupportGroup.objects.filter(program=ctx.program, name=spec["name"]).first()
    if group is not None:
        return group
    values = {k: v for k, v in spec.items() if k not in ("rule", "leader")}
    group = SupportGroup.objects.create(
        program=ctx.program,
        created_by=ctx.users["coordinator"],
        first_date=first,
        rrule=clean_rule(spec["rule"], first_date=first),
        **values,
    )
    if spec["leader"] == "mentor":
        mentor = Mentor.objects.filter(program=ctx.program, user=ctx.users["mentor"]).first()
        if mentor is not None:
            Facilitator.objects.create(group=group, role="leader", mentor=mentor)
    else:
        Facilitator.objects.create(group=group, role="leader", user=ctx.users[spec["leader"]])
    group.transition(to="published", by=ctx.users["coordinator"])
    directory_sync.group_changed(group, by=ctx.users["coordinator"], request=None)
    return group


def _families(ctx: DemoContext, language: str, count: int) -> list[Family]:
    families = list(
        Family.objects.filter(
            program=ctx.program, status="active", caregivers__preferred_language=language
        )
        .distinct()
        .order_by("id")[:count]
    )
    for family in families:
        for scope in (Scope.CONTACT, Scope.GROUPS):
            if not may(family, scope):
                consent_record(
                    family=family,
                    scope=scope,
                    decision="granted",
                    method="verbal",
                    by=ctx.users["coordinator"],
                    note="Demo",
                )
    return families


@transaction.atomic
def load(ctx: DemoContext) -> None:
    coordinator = ctx.users["coordinator"]
    now = timezone.now()
    first = timezone.localdate() - timedelta(days=183)
    made = 0
    for index, spec in enumerate(GROUPS):
        group = _group(ctx, spec, first)
        families = _families(ctx, spec["language"], 5)
        for family in families:
            if not Registration.objects.filter(group=group, family=family).exists():
                registration_create(group=group, family=family, by=coordinator)
        registered = [
            r.family
            for r in Registration.objects.filter(group=group, status="registered").select_related(
                "family"
            )
        ]
        past = occurrences([group], now - timedelta(days=190), now)
        for number, occurrence in enumerate(past):
            if occurrence.session is not None:
                continue  # already loaded
            if number == 3:
                session_cancel(occurrence=occurrence, by=coordinator, reason="Holiday")
                continue
            session = session_for(occurrence)
            topic, topic_es, speakers = TOPICS[(number + index) % len(TOPICS)]
            session.topic, session.topic_es = topic, topic_es
            session.speakers = [{"name": n, "role": r} for n, r in speakers]
            session.walk_in_guests = number % 3
            session.save(update_fields=["topic", "topic_es", "speakers", "walk_in_guests"])
            for position, family in enumerate(registered):
                if (position + number) % 4 != 0:  # most come, not everyone every time
                    attendance_mark(
                        occurrence=occurrence, family=family, present=True, by=coordinator
                    )
            made += 1
        upcoming = occurrences([group], now, now + timedelta(days=40), include_cancelled=False)
        if upcoming and upcoming[0].session is None:
            session = session_for(upcoming[0])
            topic, topic_es, speakers = TOPICS[index]
            session.topic, session.topic_es = topic, topic_es
            session.speakers = [{"name": n, "role": r} for n, r in speakers]
            session.save(update_fields=["topic", "topic_es", "speakers"])
    ctx.say(
        f"groups: {len(GROUPS)} support groups, {made} past sessions added, "
        f"{Attendance.objects.filter(session__group__program=ctx.program).count()} attendance marks"
    )
