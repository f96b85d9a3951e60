"""A survey's results (coordinators and supervisors), its free-text answers (coordinators) and
the de-identified export of its answers (coordinators and evaluators). Every read and export
of answers is audited."""

import secrets
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kindred.audit.log import record
from kindred.lib import safe_harbor
from kindred.lib.spreadsheets import csv_response
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap
from kindred.surveys.access import get_survey_for
from kindred.surveys.models import Answer, Item, Occasion, Response, Survey
from kindred.surveys.results import item_summaries, paired, response_rates, satisfaction

COMMENTS_PER_PAGE = 100


@program_required(Cap.SURVEYS_VIEW)
def results(request: ProgramRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request, pk)
    context = {
        "survey": survey,
        "rates": response_rates(survey),
        "pairs": paired(survey),
        "summaries": item_summaries(survey),
        "satisfaction": satisfaction(survey),
        "occasions": dict(Occasion.choices),
    }
    record(
        action="surveys.results.viewed",
        request=request,
        obj=survey,
        detail={"responses": Response.objects.filter(invitation__survey=survey).count()},
    )
    return render(request, "surveys/results.html", context)


@program_required(Cap.SURVEYS_MANAGE)
def comments(request: ProgramRequest, pk: int) -> HttpResponse:
    """Free-text answers: only coordinators read them (a family may name a mentor, a nurse,
    a diagnosis)."""
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_MANAGE)
    answers = list(
        Answer.objects.filter(response__invitation__survey=survey, item__kind=Item.Kind.TEXT)
        .select_related("item", "response__invitation")
        .order_by("-response__submitted_at", "-id")[:COMMENTS_PER_PAGE]
    )
    with transaction.atomic():
        record(
            action="surveys.answer.viewed",
            request=request,
            obj=survey,
            fields=["text"],
            detail={"answers": [a.pk for a in answers]},
        )
    return render(
        request,
        "surveys/comments.html",
        {"survey": survey, "answers": answers, "occasions": dict(Occasion.choices)},
    )


def export_rows(survey: Survey) -> list[list[Any]]:
    """One row per response, de-identified by the Safe Harbor rules (kindred.lib.safe_harbor):
    no name, no id Kindred uses, no date but the year, no free text. A person code, random for
    each export and never stored, lets an evaluator pair a family's baseline and follow-up
    without a way back to the family."""
    items = [i for i in survey.items.all() if i.kind != Item.Kind.TEXT]
    responses = list(
        Response.objects.filter(invitation__survey=survey)
        .select_related("invitation")
        .order_by("submitted_at", "id")
    )
    values: dict[int, dict[int, Any]] = defaultdict(dict)
    for response_id, item_id, number, choice in Answer.objects.filter(
        response__in=responses, item__in=items
    ).values_list("response_id", "item_id", "number", "choice"):
        values[response_id][item_id] = choice or number
    codes: dict[tuple[str, int], str] = {}
    rows: list[list[Any]] = [
        ["person", "occasion", "follow_up", "year", "language", *[i.code for i in items]]
    ]
    for response in responses:
        invitation = response.invitation
        person = (
            ("f", invitation.family_id)
            if invitation.family_id
            else ("m", invitation.mentor_id or 0)
        )
        code = codes.setdefault(person, secrets.token_hex(6))
        answered = values.get(response.pk, {})
        rows.append(
            [
                code,
                invitation.occasion,
                "yes" if invitation.is_follow_up else "no",
                safe_harbor.year_only(response.submitted_at),
                invitation.language,
                *["" if answered.get(i.pk) is None else answered[i.pk] for i in items],
            ]
        )
    return rows


@program_required(Cap.SURVEYS_EXPORT)
def export(request: ProgramRequest, pk: int) -> HttpResponse:
    survey = get_survey_for(request, pk, capability=Cap.SURVEYS_EXPORT)
    rows = export_rows(survey)
    with transaction.atomic():
        record(
            action="surveys.answer.exported",
            request=request,
            obj=survey,
            detail={"rows": len(rows) - 1, "deidentified": "safe_harbor"},
        )
    name = f"survey-{survey.key}-{timezone.localdate():%Y}.csv"
    return csv_response(name, [str(h) for h in rows[0]], rows[1:])
