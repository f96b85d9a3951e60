"""Invitations and answers: the one-time link, the e-mail, a submission saved whole, a decline.

The link's token is random (256 bits) and only its SHA-256 is stored, so the table cannot be
turned back into links; a link works until it is answered, declined or expires.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kindred.audit.log import record
from kindred.lib.mail import send_email_after_commit
from kindred.surveys.models import Answer, Channel, Invitation, Item, Response, Survey

LINK_DAYS = 30  # a survey left for a month is not answered any more; the next occasion asks


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey", "program")
        .filter(token_hash=token_digest(token))
        .first()
    )


def _language(code: str) -> str:
    return "es" if (code or "").startswith("es") else "en"


def invitation_create(
    *,
    survey: Survey,
    occasion: str,
    occasion_key: str,
    email: str | None,
    language: str,
    family: Any = None,
    mentor: Any = None,
    match: Any = None,
    group: Any = None,
    now: datetime | None = None,
    channel: str = Channel.EMAIL,
    sent_by: Any = None,
    token: str | None = None,
    days: int = LINK_DAYS,
    request: HttpRequest | None = None,
) -> Invitation | None:
    """Ask one person one survey once: the invitation and, with an `email`, its e-mail (after
    commit), or None when this occasion was already asked (the unique constraint decides, even
    under races). A letter passes its code as the `token`; a call passes no e-mail."""
    now = now or timezone.now()
    token = token or secrets.token_urlsafe(32)
    language = _language(language)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                program_id=survey.program_id,
                survey=survey,
                occasion=occasion,
                occasion_key=occasion_key,
                family=family,
                mentor=mentor,
                match=match,
                group=group,
                language=language,
                channel=channel,
                sent_by=sent_by,
                token_hash=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
            record(
                action="surveys.invitation.created",
                request=request,
                actor=sent_by,
                obj=invitation,
                program=survey.program_id,
                detail={"survey": survey.pk, "occasion": occasion, "channel": channel},
            )
            if email:
                _email(invitation, token=token, to=email)
    except IntegrityError:
        return None
    return invitation


def _email(invitation: Invitation, *, token: str, to: str) -> None:
    """The invitation e-mail: the program's name and the link, nothing about the family's
    health or support (anyone may read an e-mail over a shoulder)."""
    link = settings.SITE_URL + reverse("surveys:public", args=[token])
    with translation.override(invitation.language):
        context = {
            "program": invitation.survey.program,
            "link": link,
            "expires": invitation.expires_at,
        }
        subject = render_to_string("surveys/email/invitation_subject.txt", context).strip()
        body = render_to_string("surveys/email/invitation.txt", context)
    send_email_after_commit(subject=subject, body=body, to=[to])


def items_for(invitation: Invitation) -> list[Item]:
    items = [i for i in invitation.survey.items.all() if i.is_active]
    if not invitation.is_follow_up:
        items = [i for i in items if not i.follow_up_only]
    return items


class AlreadyClosed(Exception):
    """The invitation was answered, declined or expired before this submission took it."""


def response_submit(
    *,
    invitation: Invitation,
    answers: dict[int, dict[str, Any]],
    submission_key: str,
    request: HttpRequest | None = None,
    entered_by: Any = None,
) -> Response:
    """Save one submission whole or not at all: the invitation locked and checked, the response,
    every answer and the audit event in one transaction. `entered_by`: the coordinator who
    typed the answers given on a phone call (the response's channel is then "phone")."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open():
            raise AlreadyClosed
        now = timezone.now()
        response = Response.objects.create(
            invitation=locked,
            submitted_at=now,
            submission_key=submission_key,
            channel="phone" if entered_by is not None else "web",
            entered_by=entered_by,
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=item_id, **values)
            for item_id, values in answers.items()
        )
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
        record(
            action="surveys.response.entered" if entered_by else "surveys.response.submitted",
            request=request,
            actor=entered_by,
            obj=response,
            program=locked.program_id,
            detail={"survey": locked.survey_id, "answers": len(answers), "channel": locked.channel},
        )
    return response


def invitation_decline(*, invitation: Invitation, request: HttpRequest | None = None) -> bool:
    """The person does not want this survey: recorded, and this survey never asks them again.
    False when the link was already answered or closed."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open():
            return False
        locked.declined_at = timezone.now()
        locked.save(update_fields=["declined_at"])
        record(
            action="surveys.invitation.declined",
            request=request,
            obj=locked,
            program=locked.program_id,
            detail={"survey": locked.survey_id},
        )
    return True
