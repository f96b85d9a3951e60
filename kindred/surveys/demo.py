"""A season of survey answers in the demo program: the starter surveys, a baseline after each
demo family's intake, follow-ups at the fit checks, match closes and groups' third sessions,
and the mentors' yearly survey. Bulk-created (a few hundred rows in a handful of queries);
idempotent: nothing is added once the demo surveys have invitations."""

import hashlib
import random
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kindred.families.models import Caregiver
from kindred.groups.models import Attendance
from kindred.lib.demo import DemoContext
from kindred.matching.models import Match
from kindred.mentors.models import Mentor
from kindred.surveys.models import Answer, Invitation, Item, Occasion, Response, Survey
from kindred.surveys.starter import install_starters

COMMENTS = [
    ("My mentor called every week. It helped more than I can say.", "en"),
    ("Me ayudó mucho hablar con alguien que pasó por lo mismo.", "es"),
    ("Evening calls would be easier for us.", "en"),
    ("The group is the only place where I can talk about the hospital.", "en"),
    ("Gracias por escucharme.", "es"),
]


def _invitation(
    survey: Survey, occasion: str, key: str, at: Any, language: str, **people: Any
) -> Invitation:
    return Invitation(
        program_id=survey.program_id,
        survey=survey,
        occasion=occasion,
        occasion_key=key,
        language=language,
        token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        created_at=at,
        expires_at=at + timedelta(days=30),
        **people,
    )


def _answers(
    rng: random.Random, items: list[Item], follow_up: bool, lift: int
) -> list[dict[str, Any]]:
    found = []
    for item in items:
        if item.follow_up_only and not follow_up:
            continue
        if item.kind == Item.Kind.AGREE:
            base = rng.choice([2, 2, 3, 3, 4])
            found.append({"item": item, "number": min(5, base + (lift if follow_up else 0))})
        elif item.kind == Item.Kind.YES_NO:
            found.append({"item": item, "number": 1 if rng.random() < 0.85 else 0})
        elif item.kind == Item.Kind.CHOICE and item.choices:
            found.append({"item": item, "choice": rng.choice(item.choices)["value"]})
        elif item.kind == Item.Kind.TEXT and rng.random() < 0.3:
            found.append({"item": item, "text": rng.choice(COMMENTS)[0]})
    return found


@transaction.atomic
def load(ctx: DemoContext) -> None:
    family_survey, mentor_survey = install_starters(ctx.program)
    if Invitation.objects.filter(survey__in=[family_survey, mentor_survey]).exists():
        ctx.say("surveys: demo answers already loaded")
        return
    rng = random.Random(14)
    now = timezone.now()
    languages = dict(
        Caregiver.objects.filter(family__program=ctx.program, is_primary=True).values_list(
            "family_id", "preferred_language"
        )
    )
    made: list[Invitation] = []
    family_ids = sorted(languages)[:40]
    for n, family_id in enumerate(family_ids):
        at = now - timedelta(days=120 - n)
        made.append(
            _invitation(
                family_survey,
                Occasion.INTAKE,
                f"demo:{family_id}",
                at,
                languages[family_id],
                family_id=family_id,
            )
        )
    matches = Match.objects.filter(program=ctx.program, status__in=["active", "closed"])
    for match in matches:
        language = languages.get(match.family_id, "en")
        occasion = Occasion.MATCH_CLOSE if match.status == "closed" else Occasion.FIT_CHECK
        at = now - timedelta(days=rng.randint(5, 60))
        made.append(
            _invitation(
                family_survey,
                occasion,
                f"match:{match.pk}",
                at,
                language,
                family_id=match.family_id,
                match_id=match.pk,
            )
        )
        if match.status == "closed":
            made.append(
                _invitation(
                    mentor_survey,
                    Occasion.MATCH_CLOSE,
                    f"match:{match.pk}",
                    at,
                    "en",
                    mentor_id=match.mentor_id,
                    match_id=match.pk,
                )
            )
    thirds = (
        Attendance.objects.filter(session__group__program=ctx.program, present=True)
        .values("session__group_id", "family_id")
        .annotate(n=Count("session"))
        .filter(n__gte=3)
    )
    for row in thirds:
        at = now - timedelta(days=rng.randint(5, 90))
        made.append(
            _invitation(
                family_survey,
                Occasion.GROUP_THIRD,
                f"group:{row['session__group_id']}",
                at,
                languages.get(row["family_id"], "en"),
                family_id=row["family_id"],
                group_id=row["session__group_id"],
            )
        )
    for mentor in Mentor.objects.filter(program=ctx.program, status=Mentor.Status.ACTIVE):
        made.append(
            _invitation(
                mentor_survey,
                Occasion.YEARLY,
                f"yearly:{now.year}",
                now - timedelta(days=20),
                mentor.preferred_language,
                mentor_id=mentor.pk,
            )
        )
    Invitation.objects.bulk_create(made)
    items = {s.pk: list(s.items.all()) for s in (family_survey, mentor_survey)}
    responses: list[Response] = []
    answered: list[Invitation] = []
    for invitation in made:
        roll = rng.random()
        if roll < 0.08:
            invitation.declined_at = invitation.created_at + timedelta(days=1)
        elif roll < 0.78:
            invitation.answered_at = invitation.created_at + timedelta(days=rng.randint(0, 6))
            answered.append(invitation)
            responses.append(
                Response(
                    invitation=invitation,
                    submitted_at=invitation.answered_at,
                    submission_key=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
                )
            )
    Invitation.objects.bulk_update(made, ["answered_at", "declined_at"])
    Response.objects.bulk_create(responses)
    answers = [
        Answer(response=response, **values)
        for response in responses
        for values in _answers(
            rng,
            items[response.invitation.survey_id],
            response.invitation.is_follow_up,
            rng.choice([0, 1, 1, 2]),
        )
    ]
    Answer.objects.bulk_create(answers)
    ctx.say(
        f"surveys: {len(made)} demo invitations, {len(responses)} answered, {len(answers)} answers"
    )
