"""Surveys and invitations for the tests: the starter surveys and invitations with a known
token (the real invitation keeps only its hash, so a test must choose the token itself)."""

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kindred.surveys.models import Invitation, Item, Response, Survey
from kindred.surveys.services import response_submit, token_digest
from kindred.surveys.starter import install_starters


def starters(program: Any) -> tuple[Survey, Survey]:
    family, mentor = install_starters(program)
    return family, mentor


def invite(
    survey: Survey,
    *,
    family: Any = None,
    mentor: Any = None,
    occasion: str = "intake",
    key: str = "",
    language: str = "en",
    days_ago: int = 0,
    **extra: Any,
) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    at = timezone.now() - timedelta(days=days_ago)
    invitation = Invitation.objects.create(
        program_id=survey.program_id,
        survey=survey,
        occasion=occasion,
        occasion_key=key or secrets.token_hex(4),
        family=family,
        mentor=mentor,
        language=language,
        token_hash=token_digest(token),
        created_at=at,
        expires_at=timezone.now() + timedelta(days=30),
        **extra,
    )
    return invitation, token


def answer(invitation: Invitation, values: dict[str, Any]) -> Response:
    """Answer by item code: a number for agree / yes-no, a str for a choice or free text."""
    items = {i.code: i for i in invitation.survey.items.all()}
    answers: dict[int, dict[str, Any]] = {}
    for code, value in values.items():
        item = items[code]
        if item.kind == Item.Kind.TEXT:
            answers[item.pk] = {"text": value}
        elif item.kind == Item.Kind.CHOICE:
            answers[item.pk] = {"choice": value}
        else:
            answers[item.pk] = {"number": value}
    response = response_submit(
        invitation=invitation, answers=answers, submission_key=secrets.token_hex(32)
    )
    # Answered an hour after it was sent: a baseline sent earlier is answered earlier.
    at = invitation.created_at + timedelta(hours=1)
    Response.objects.filter(pk=response.pk).update(submitted_at=at)
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=at)
    response.refresh_from_db()
    return response
