"""The demo program's plan: its text, five objectives on the measures Kindred computes, and two
completed readiness assessments a year apart (so that a retake can be compared). Idempotent:
the plan is written once, objectives are found by title, assessments only when none exists."""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kindred.lib.demo import DemoContext
from kindred.planning.models import Objective, ReadinessAssessment
from kindred.planning.readiness import ITEMS, Answer
from kindred.planning.services import (
    assessment_answer,
    assessment_start,
    objective_save,
    plan_for,
    plan_save,
)

PLAN = {
    "mission": "No parent of a child with special health care needs should face the first months alone: a parent who has been there calls within two days.",
    "need": "Families told our family advisory council that after a new diagnosis they left clinic with papers but nobody to ask. Social workers refer when they know a program exists.",
    "families_served": "Parents and caregivers of children seen in the NICU, cardiology, and the complex care clinic; Spanish-speaking families in particular.",
    "mentors": "Veteran parents whose own child has similar needs, at least a year past their own diagnosis, trained and supervised. About a third speak Spanish.",
    "staff": "A coordinator (a veteran parent, 0.8 FTE) and a clinical social worker as supervisor (0.2 FTE).",
    "delivery": "One-to-one matches for eight weeks, renewable; monthly support groups in English and Spanish; video calls for families far away.",
    "places": "NICU and cardiology inpatient units, the complex care clinic, and the community center of our partner family organization.",
    "availability": "Weekdays 9 to 5; mentors call in the evening when a family asks. Referrals are read every working day.",
    "recruiting": "Clinics suggest veteran parents; past families are invited at the close of their match.",
    "screening": "Application, interview with the coordinator, two references, background check through volunteer services.",
    "training": "16 hours in cohorts of 8 to 12: shared experience, listening, boundaries, navigating the hospital; a yearly refresher.",
    "supervision": "Monthly group supervision and a call with the supervisor after any safety concern.",
    "documentation": "Every contact is logged in Kindred within a day: when, how, the support given and follow-ups.",
}

OBJECTIVES = [
    (
        "First contact within 48 hours for 90% of referrals",
        "referrals.first_contact_within_target",
        "at_least",
        "90",
    ),
    ("Match within 48 hours of intake", "matching.matched_within_48h", "at_least", "80"),
    ("4 contacts in the first 8 weeks", "encounters.first_weeks_contacts", "at_least", "75"),
    ("20 new mentors trained this year", "mentors.trained", "at_least", "20"),
    ("Families reached in Spanish", "encounters.families_reached_spanish", "at_least", "30"),
]

FIRST = {  # a year ago: leadership on board, the rest mostly to do
    "leadership.sponsor": Answer.IN_PLACE,
    "leadership.approval": Answer.IN_PROGRESS,
    "design_team.formed": Answer.IN_PROGRESS,
    "staffing.coordinator": Answer.IN_PLACE,
    "funding.budget": Answer.IN_PROGRESS,
}


def _answers(values: Mapping[str, str], notes: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {key: (values.get(key, Answer.NOT_STARTED), notes.get(key, "")) for key in ITEMS}


def _assessment(
    ctx: DemoContext, values: Mapping[str, str], notes: dict[str, str], days_ago: int
) -> None:
    by = ctx.users["coordinator"]
    assessment = assessment_start(program=ctx.program, by=by)
    assessment_answer(assessment=assessment, answers=_answers(values, notes), by=by)
    assessment.transition(to="completed", by=by)
    when = timezone.now() - timedelta(days=days_ago)
    ReadinessAssessment.objects.filter(pk=assessment.pk).update(
        started_at=when - timedelta(days=3), completed_at=when
    )


def load(ctx: DemoContext) -> None:
    by = ctx.users["coordinator"]
    plan = plan_for(ctx.program)
    if plan.version == 0:
        plan_save(plan=plan, data=PLAN, by=by)
    for title, key, comparison, target in OBJECTIVES:
        if not plan.objectives.filter(title=title).exists():
            objective_save(
                objective=Objective(
                    plan=plan,
                    title=title,
                    measure_key=key,
                    comparison=comparison,
                    target=Decimal(target),
                ),
                by=by,
                fields=["title", "measure_key", "comparison", "target"],
            )
    if not ReadinessAssessment.objects.filter(program=ctx.program).exists():
        _assessment(ctx, FIRST, {"funding.budget": "Foundation grant applied for."}, days_ago=380)
        later = dict.fromkeys(ITEMS, Answer.IN_PLACE)
        later |= {
            "funding.sustain": Answer.IN_PROGRESS,
            "evaluation.feedback": Answer.IN_PROGRESS,
            "evaluation.review": Answer.NOT_STARTED,
            "training.ongoing": Answer.IN_PROGRESS,
        }
        _assessment(
            ctx,
            later,
            {"funding.sustain": "Hospital foundation asked for year two; answer in March."},
            days_ago=20,
        )
    ctx.say("Planning: the program plan, five objectives and two readiness assessments.")
