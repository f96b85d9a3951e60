"""The three ways a coordinator asks one family a survey, beside the scheduler's e-mails:

- **E-mail** with the one-time link: only to a caregiver with an e-mail address, for a family
  that may be contacted (`families.consent`, scope contact); sent after the commit, with the
  program's name and the link only (no name, no diagnosis, no occasion).
- **Letter**: a printed page (WeasyPrint, as the directory's folder) with a 20-character
  one-time code the parent types at the public page `/surveys/code/`; the code is the
  invitation's token (only its SHA-256 is stored), so it works once and expires.
- **Phone**: a coordinator reads the questions on a call and enters the answers; the
  invitation and its response are one transaction, and a constraint of the database says who
  entered it (`surveys_response_entered_by_phone`, `surveys_invitation_phone_has_caller`).

Each hand-made invitation is keyed by its channel and day (`"letter:2026-12-03"`): the same
family asked the same survey the same way twice in a day is refused (409), not asked twice.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.families.consent import Scope, with_consent
from kindred.families.models import Caregiver, Family
from kindred.surveys.models import Audience, Channel, Invitation, Response, Survey
from kindred.surveys.services import (
    LINK_DAYS,
    _language,
    invitation_create,
    items_for,
    response_submit,
)

LETTER_DAYS = 60  # a letter travels by post and waits on a table
CODE_LENGTH = 20
# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not
# mistaken (100 bits: it cannot be guessed).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SAME = str.maketrans({"O": "0", "I": "1", "L": "1"})


class ChannelRefused(Exception):
    """This family cannot be asked this way; `message` says why (translated), `status` is the
    HTTP answer (400 bad input, 409 already asked today)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Contact:
    may_contact: bool
    email: str
    language: str
    address: list[str]
    name: str


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _n in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """The code as stored from what a parent typed (spaces, dashes, lower case, O for 0 are
    forgiven); None when it cannot be a code."""
    code = "".join(ch for ch in (typed or "").upper() if ch not in " -\t\n\r").translate(_SAME)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def printed_code(code: str) -> str:
    return "-".join(code[n : n + 5] for n in range(0, len(code), 5))


def contact_for(family: Family) -> Contact:
    """May the family be contacted, and how: the primary caregiver's e-mail and language first."""
    may = with_consent(Family.objects.filter(pk=family.pk), Scope.CONTACT).exists()
    caregivers = list(Caregiver.objects.filter(family=family).order_by("-is_primary", "id"))
    first = caregivers[0] if caregivers else None
    email = next((c.email for c in caregivers if c.email), "")
    address = [
        line
        for line in (
            family.address_line1,
            family.address_line2,
            " ".join(p for p in (family.city, family.state, family.zip_code) if p),
        )
        if line
    ]
    name = " ".join(p for p in (first.first_name, first.last_name) if p) if first else family.name
    return Contact(
        may_contact=may,
        email=email,
        language=_language(first.preferred_language if first else ""),
        address=address if family.address_line1 else [],
        name=name,
    )


def _check(survey: Survey, family: Family, contact: Contact) -> None:
    if survey.audience != Audience.FAMILY:
        raise ChannelRefused(_("Only a family survey can be sent to a family."))
    if family.program_id != survey.program_id:
        raise ChannelRefused(_("This family is not in the survey's program."))
    if not contact.may_contact:
        raise ChannelRefused(_("This family has not agreed to be contacted."))
    if Invitation.objects.filter(survey=survey, family=family, declined_at__isnull=False).exists():
        raise ChannelRefused(_("This family said no to this survey: it is not asked again."))


def _occasion_key(channel: str) -> str:
    return f"{channel}:{timezone.localdate().isoformat()}"


def _already(channel: str) -> ChannelRefused:
    messages: dict[str, str] = {
        Channel.EMAIL.value: _("This family was already sent this survey by e-mail today."),
        Channel.LETTER.value: _(
            "A letter with this survey was already printed for this family today; "
            "its code still works."
        ),
        Channel.PHONE.value: _(
            "Answers to this survey were already entered for this family today."
        ),
    }
    return ChannelRefused(messages[channel], status=409)


def send_by_email(
    *, survey: Survey, family: Family, occasion: str, by: Any, request: HttpRequest | None = None
) -> Invitation:
    contact = contact_for(family)
    _check(survey, family, contact)
    if not contact.email:
        raise ChannelRefused(_("No caregiver of this family has an e-mail address."))
    invitation = invitation_create(
        survey=survey,
        occasion=occasion,
        occasion_key=_occasion_key(Channel.EMAIL),
        email=contact.email,
        language=contact.language,
        family=family,
        channel=Channel.EMAIL,
        sent_by=by,
        days=LINK_DAYS,
        request=request,
    )
    if invitation is None:
        raise _already(Channel.EMAIL)
    return invitation


def send_by_letter(
    *, survey: Survey, family: Family, occasion: str, by: Any, request: HttpRequest | None = None
) -> tuple[Invitation, bytes]:
    """The invitation and its letter (a PDF to print), in the family's language."""
    contact = contact_for(family)
    _check(survey, family, contact)
    if not contact.address:
        raise ChannelRefused(_("This family has no postal address."))
    code = new_code()
    with transaction.atomic():
        invitation = invitation_create(
            survey=survey,
            occasion=occasion,
            occasion_key=_occasion_key(Channel.LETTER),
            email=None,
            language=contact.language,
            family=family,
            channel=Channel.LETTER,
            sent_by=by,
            token=code,
            days=LETTER_DAYS,
            request=request,
        )
        if invitation is None:
            raise _already(Channel.LETTER)
        record(
            action="surveys.letter.printed",
            request=request,
            actor=by,
            obj=invitation,
            program=survey.program_id,
            detail={"survey": survey.pk, "language": invitation.language},
        )
        content = letter_pdf(invitation, code=code, contact=contact)
    return invitation, content


def letter_html(invitation: Invitation, *, code: str, contact: Contact) -> str:
    from django.conf import settings

    with translation.override(invitation.language):
        return render_to_string(
            "surveys/letter.html",
            {
                "program": invitation.survey.program,
                "contact": contact,
                "code": printed_code(code),
                "page": settings.SITE_URL + reverse("surveys:code"),
                "expires": invitation.expires_at,
                "today": timezone.localdate(),
                "language": invitation.language,
            },
        )


def letter_pdf(invitation: Invitation, *, code: str, contact: Contact) -> bytes:
    from weasyprint import HTML

    # No base URL: the letter loads nothing from outside.
    return HTML(string=letter_html(invitation, code=code, contact=contact)).write_pdf()


def phone_invitation(survey: Survey, family: Family, occasion: str) -> Invitation:
    """The (unsaved) invitation a call answers: its items are those of the occasion."""
    return Invitation(program_id=survey.program_id, survey=survey, family=family, occasion=occasion)


def enter_by_phone(
    *,
    survey: Survey,
    family: Family,
    occasion: str,
    answers: dict[int, dict[str, Any]],
    submission_key: str,
    by: Any,
    request: HttpRequest | None = None,
) -> Response:
    """The answers a parent gave on a call, entered by the coordinator `by`: the invitation
    (channel phone, `sent_by`) and the response (`entered_by`) in one transaction."""
    contact = contact_for(family)
    _check(survey, family, contact)
    try:
        with transaction.atomic():
            invitation = invitation_create(
                survey=survey,
                occasion=occasion,
                occasion_key=_occasion_key(Channel.PHONE),
                email=None,
                language=contact.language,
                family=family,
                channel=Channel.PHONE,
                sent_by=by,
                request=request,
            )
            if invitation is None:
                raise _already(Channel.PHONE)
            return response_submit(
                invitation=invitation,
                answers=answers,
                submission_key=submission_key,
                request=request,
                entered_by=by,
            )
    except IntegrityError as exc:  # the same form posted twice: one response
        raise _already(Channel.PHONE) from exc


def phone_items(survey: Survey, family: Family, occasion: str) -> list[Any]:
    return items_for(phone_invitation(survey, family, occasion))
