"""Demo referrals: one in every status, some overdue, in English and Spanish, all fictional
(555 phone numbers, example.test addresses). Idempotent: each demo referral is found again by
its caregiver's demo e-mail address."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kindred.lib.demo import DemoContext
from kindred.referrals import daily
from kindred.referrals.models import ConsentMethod, Intake, Referral, Source
from kindred.referrals.notifications import escalate_overdue
from kindred.referrals.services import ReferredFamily, referral_create
from kindred.referrals.status import Reason, Status, Step

# (key, caregiver, last name, language, child, age in days, hours ago, source, script, extra)
# script: list of steps applied in order, each ("move", status, reason) / ("step", step, name)
# / ("attempt", outcome) / ("intake",).
# (key, first, last, language, child, age in days, hours ago, source, script, extra)
DEMO: list[tuple[str, str, str, str, str, int, int, str, list[tuple[str, ...]], dict[str, Any]]] = [
    ("new-en", "Jenna", "Morales", "en", "Ava", 200, 3, "referrer", [], {}),
    ("overdue-es", "Guadalupe", "Ríos", "es", "Santiago", 40, 75, "referrer", [], {}),
    ("due-soon", "Kevin", "Park", "en", "Hana", 700, 40, "referrer", [], {"urgency": "soon"}),
    ("self-es", "María José", "Castillo", "es", "Valentina", 90, 60, "self", [], {}),
    ("partner", "Derek", "Nguyen", "en", "Lily", 1500, 20, "partner", [], {}),
    (
        "accepted",
        "Aisha",
        "Bello",
        "en",
        "Zainab",
        120,
        30,
        "referrer",
        [("attempt", "voicemail"), ("move", Status.ACCEPTED, "")],
        {},
    ),
    (
        "contacting",
        "Carmen",
        "Vega",
        "es",
        "Diego",
        365,
        50,
        "referrer",
        [("attempt", "reached"), ("move", Status.ACCEPTED, ""), ("move", Status.IN_PROGRESS, "")],
        {},
    ),
    (
        "intake",
        "Laura",
        "Schmidt",
        "en",
        "Noah",
        30,
        96,
        "referrer",
        [
            ("attempt", "reached"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.IN_PROGRESS, ""),
            ("intake",),
        ],
        {},
    ),
    (
        "matched",
        "Rocío",
        "Herrera",
        "es",
        "Emilia",
        2000,
        200,
        "referrer",
        [
            ("attempt", "reached"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.IN_PROGRESS, ""),
            ("intake",),
            ("step", Step.MATCHED, ""),
        ],
        {},
    ),
    (
        "on-hold",
        "Tanya",
        "Brooks",
        "en",
        "Jalen",
        3000,
        300,
        "referrer",
        [
            ("attempt", "reached"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.ON_HOLD, Reason.CHILD_HOSPITALIZED),
        ],
        {},
    ),
    (
        "completed-group",
        "Fatima",
        "Haddad",
        "en",
        "Omar",
        900,
        500,
        "referrer",
        [
            ("attempt", "reached"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.IN_PROGRESS, ""),
            ("step", Step.IN_GROUP, ""),
            ("move", Status.COMPLETED, ""),
        ],
        {},
    ),
    (
        "completed-out",
        "Beatriz",
        "Lozano",
        "es",
        "Camila",
        1100,
        450,
        "referrer",
        [
            ("attempt", "reached"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.IN_PROGRESS, ""),
            ("step", Step.REFERRED_OUT, "Down Syndrome Family Network (demo)"),
            ("move", Status.COMPLETED, ""),
        ],
        {},
    ),
    (
        "rejected",
        "Paul",
        "Jensen",
        "en",
        "Eli",
        6500,
        150,
        "referrer",
        [("move", Status.REJECTED, Reason.NOT_ELIGIBLE)],
        {},
    ),
    (
        "failed",
        "Yesenia",
        "Cruz",
        "es",
        "Mateo",
        60,
        400,
        "referrer",
        [
            ("attempt", "no-answer"),
            ("attempt", "voicemail"),
            ("attempt", "no-answer"),
            ("move", Status.ACCEPTED, ""),
            ("move", Status.FAILED, Reason.UNABLE_TO_REACH),
        ],
        {},
    ),
    (
        "cancelled",
        "Grace",
        "Liu",
        "en",
        "Mia",
        400,
        100,
        "referrer",
        [("move", Status.CANCELLED, Reason.FAMILY_REQUEST)],
        {},
    ),
    (
        "error",
        "Test",
        "Entry",
        "en",
        "Sample",
        10,
        5,
        "referrer",
        [("move", Status.ENTERED_IN_ERROR, "")],
        {},
    ),
]

LOOKING_FOR = {
    "en": "Would like to talk with a parent who has been through the NICU and the first months at home.",
    "es": "Quiere hablar con una mamá que haya pasado por el hospital y los primeros meses en casa.",
}


def _email(key: str) -> str:
    return f"demo-referral-{key}@example.test"


def load(ctx: DemoContext) -> None:
    coordinator = ctx.users["coordinator"]
    made = 0
    for index, (
        key,
        first,
        last,
        language,
        child,
        age_days,
        hours_ago,
        source,
        script,
        extra,
    ) in enumerate(DEMO):
        email = _email(key)
        if Referral.objects.filter(
            program=ctx.program, family__caregivers__email__iexact=email
        ).exists():
            continue
        by: Any = {
            "referrer": ctx.users["referrer"],
            "partner": ctx.users.get("lakeside_coordinator"),
            "self": None,
        }[source]
        referral = referral_create(
            program=ctx.program,
            family=ReferredFamily(
                caregiver_first_name=first,
                caregiver_last_name=last,
                phone=f"555-01{index:02d}-{1000 + index}",
                email=email,
                language=language,
                child_first_name=child,
                child_birth_date=timezone.localdate() - timedelta(days=age_days),
            ),
            source={"referrer": Source.REFERRER, "partner": Source.PARTNER, "self": Source.SELF}[
                source
            ],
            by=by,
            consent_to_contact=True,
            consent_obtained_by=by.full_name if by else "The family, on the self-referral page",
            consent_method=ConsentMethod.SELF if source == "self" else ConsentMethod.VERBAL,
            share_status_with_referrer=source != "self" and index % 3 != 0,
            reasons=["new-diagnosis", "emotional-support"] if index % 2 else ["nicu-discharge"],
            looking_for=LOOKING_FOR[language],
            urgency=extra.get("urgency", "routine"),
            referrer_role="social-worker" if index % 2 else "nurse",
            referrer_department=["NICU", "Cardiology", "Genetics", "Pulmonology"][index % 4]
            if source != "self"
            else "",
        )
        # Back-date the referral (demo only), keeping its deadline as the program computed it.
        received = timezone.now() - timedelta(hours=hours_ago)
        target = timedelta(hours=ctx.program.first_contact_target_hours)
        Referral.objects.filter(pk=referral.pk).update(
            received_at=received, due_at=received + target, consent_at=received
        )
        referral.refresh_from_db()
        when = received
        for step in script:
            when = when + timedelta(hours=6)
            if step[0] == "attempt":
                referral.log_contact_attempt(
                    by=coordinator, method="phone", outcome=step[1], at=min(when, timezone.now())
                )
            elif step[0] == "move":
                referral.transition(to=step[1], by=coordinator, reason=step[2])
            elif step[0] == "step":
                referral.change_step(step=step[1], by=coordinator, referred_out_to=step[2])
            elif step[0] == "intake":
                Intake.objects.get_or_create(
                    referral=referral,
                    defaults={
                        "why_support": LOOKING_FOR[language],
                        "qualities_wanted": "A parent who speaks Spanish"
                        if language == "es"
                        else "Another parent of a baby with a heart condition",
                        "mentor_language": language,
                        "criteria": {"diagnosis": "must", "language": "high", "geography": "low"},
                        "done_by": coordinator,
                    },
                )
                if referral.step == Step.CONTACTING:
                    referral.change_step(step=Step.INTAKE_DONE, by=coordinator)
        made += 1
    # The back-dating above is a queryset update, which the daily counts do not see.
    daily.rebuild(ctx.program.pk)
    escalated = escalate_overdue.call()
    ctx.say(f"referrals: {made} demo referrals added, {escalated} overdue escalated")
