"""Demo matching: families waiting (some past the match target), matches in every state, and a
family nobody on the roster can serve (a coverage gap, and the page's fallbacks). Idempotent."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from kindred.families.models import Condition, Consent, Experience
from kindred.lib.demo import DEMO_DOMAIN, DemoContext
from kindred.matching import services
from kindred.matching.models import FamilyWishes, Match, MatchSettings
from kindred.matching.ranking import rank_family, reasons_snapshot
from kindred.mentors.models import Mentor
from kindred.referrals.models import ConsentMethod, Intake, Source
from kindred.referrals.services import ReferredFamily, referral_create

# key, first, last, language, condition code, experience, hours since intake, mentor (demo
# e-mail key of mentors/demo.py), what happens
FAMILIES = [
    ("okafor", "Chioma", "Okafor", "en", "Q23.4", "Heart surgery", 400, "keisha", "active"),
    ("lindqvist", "Elin", "Lindqvist", "en", "C91.00", "Chemotherapy", 120, "dana", "introduced"),
    ("tanaka", "Yui", "Tanaka", "en", "P07.25", "NICU stay", 30, "marisol", "offered"),
    ("ferreira", "Lucía", "Ferreira", "es", "P07.25", "Feeding tube", 60, "marisol", "accepted"),
    ("ibarra", "Tomás", "Ibarra", "es", "Q23.4", "Heart surgery", 80, "keisha", "info_requested"),
    ("walsh", "Nora", "Walsh", "en", "C91.00", "Chemotherapy", 20, "dana", "proposed"),
    ("novak", "Petra", "Novak", "en", "Q23.4", "Heart surgery", 2000, "keisha", "closed"),
    ("brennan", "Aoife", "Brennan", "en", "P07.25", "NICU stay", 90, "dana", "declined"),
    ("moreau", "Claire", "Moreau", "en", "C91.00", "Chemotherapy", 70, "keisha", "withdrawn"),
    ("haddad", "Rana", "Haddad", "ar", "Q23.4", "Heart surgery", 96, "", "gap"),
    ("santos", "Bruno", "Santos", "pt", "P07.25", "NICU stay", 10, "", "waiting"),
]
PROFILE = {
    "keisha": {
        "gender": "woman",
        "treatment_codes": ["heart_surgery", "feeding_tube"],
        "family_situations": ["single_parent"],
        "experience_year": 2019,
        "off_active_treatment": True,
    },
    "marisol": {
        "gender": "woman",
        "treatment_codes": ["feeding_tube", "ventilator"],
        "family_situations": ["twins_multiples"],
        "experience_year": 2021,
        "off_active_treatment": True,
    },
    "dana": {
        "gender": "woman",
        "treatment_codes": ["chemotherapy", "port"],
        "family_situations": [],
        "excluded_situations": ["bereaved"],
        "experience_year": 2017,
        "off_active_treatment": True,
    },
}


MENTOR_EMAILS = {"keisha": "mentor", "marisol": "marisol.vega", "dana": "dana.whitaker"}


def _mentor(ctx: DemoContext, key: str) -> Mentor | None:
    email = f"{MENTOR_EMAILS[key]}@{DEMO_DOMAIN}"
    return Mentor.objects.filter(program=ctx.program, email__iexact=email).first()


def _family(ctx: DemoContext, index: int, row: tuple[Any, ...]) -> Any:
    key, first, last, language, code, experience, hours, _mentor_key, what = row
    coordinator = ctx.users["coordinator"]
    referral = referral_create(
        program=ctx.program,
        family=ReferredFamily(
            caregiver_first_name=first,
            caregiver_last_name=last,
            phone=f"555-07{index:02d}-{3100 + index}",
            email=f"match.{key}@{DEMO_DOMAIN}",
            language=language,
            child_first_name="Demo",
            child_birth_date=timezone.localdate() - timedelta(days=300 + 37 * len(key)),
        ),
        source=Source.REFERRER,
        by=ctx.users["referrer"],
        consent_to_contact=True,
        consent_obtained_by="Referrer (demo)",
        consent_method=ConsentMethod.VERBAL,
        share_status_with_referrer=True,
        reasons=["emotional-support"],
        looking_for="Another parent who has been there (demo).",
        notify_referrer=False,
    )
    family = referral.family
    child = family.children.first()
    if child is not None:
        child.conditions.set(Condition.objects.filter(program__isnull=True, code=code))
        child.experiences.set(Experience.objects.filter(program__isnull=True, name=experience))
    Consent.objects.create(
        family=family,
        scope=Consent.Scope.SHARE_WITH_MENTOR,
        decision=Consent.Decision.GRANTED,
        method="verbal",
        recorded_by=coordinator,
        note="Demo",
    )
    criteria = {"diagnosis": "high", "language": "must" if language != "en" else "medium"}
    Intake.objects.create(
        referral=referral,
        why_support="To talk with a parent who has been through it (demo).",
        mentor_language=language if language != "en" else "",
        criteria=criteria,
        done_by=coordinator,
        done_at=timezone.now() - timedelta(hours=hours),
    )
    referral.transition(to="accepted", by=coordinator)
    if what == "gap":
        FamilyWishes.objects.create(family=family, in_person=True, updated_by=coordinator)
    return family


def _play(ctx: DemoContext, family: Any, mentor: Mentor, what: str) -> None:
    coordinator = ctx.users["coordinator"]
    by_mentor = mentor.user or coordinator
    ranked = next(
        (r for r in rank_family(family, limit=None).eligible if r.mentor.pk == mentor.pk), None
    )
    match = services.propose(
        family=family,
        mentor=mentor,
        by=coordinator,
        score=ranked.ranked.score if ranked else None,
        reasons=reasons_snapshot(ranked.ranked) if ranked else [],
    )
    if what == "proposed":
        return
    if what == "withdrawn":
        services.withdraw(match=match, by=coordinator, reason="The family asked to wait (demo).")
        return
    services.approve_and_offer(match=match, by=coordinator)
    if what == "offered":
        return
    if what == "info_requested":
        services.mentor_answer(
            match=match, by=by_mentor, answer="ask", note="Is the family near the hospital?"
        )
        return
    if what == "declined":
        services.mentor_answer(match=match, by=by_mentor, answer="decline", code="no_time")
        return
    services.mentor_answer(match=match, by=by_mentor, answer="accept")
    if what == "accepted":
        return
    services.introduce(match=match, by=coordinator)
    if what == "introduced":
        return
    services.start(match=match, by=coordinator)
    if what == "closed":
        services.close(match=match, by=coordinator, code="goals_met", note="Demo")


def load(ctx: DemoContext) -> None:
    if Match.objects.filter(program=ctx.program).exists():
        ctx.say("matching: demo matches already loaded")
        return
    MatchSettings.objects.get_or_create(program=ctx.program, defaults={"duration_weeks": 12})
    for key, values in PROFILE.items():
        mentor = _mentor(ctx, key)
        if mentor is not None:
            Mentor.objects.filter(pk=mentor.pk).update(**values)
    made = 0
    for index, row in enumerate(FAMILIES):
        family = _family(ctx, index, row)
        mentor = _mentor(ctx, row[7]) if row[7] else None
        if mentor is None:
            continue
        try:
            _play(ctx, family, mentor, row[8])
            made += 1
        except ValidationError as error:
            ctx.say(f"matching: demo {row[0]} stopped: {' '.join(error.messages)}")
    ctx.say(f"matching: {len(FAMILIES)} demo families, {made} demo matches")
