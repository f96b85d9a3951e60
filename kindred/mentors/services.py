"""Workflows of the mentor lifecycle that span several models or reach the outside world."""

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kindred.audit.log import record
from kindred.lib.extensions import mentor_stopped_modules
from kindred.lib.mail import send_email_after_commit
from kindred.mentors.models import (
    Mentor,
    MentorStatusChange,
    Qualification,
    QualificationType,
    ScreeningItem,
    ScreeningRecord,
)
from kindred.programs.models import Membership, Program, Role

# The starter lists a program gets; coordinators rename, add and retire items on the settings page.
STARTER_SCREENING = [
    ("Interview", "Entrevista", True),
    ("References checked", "Referencias verificadas", True),
    ("Background check", "Verificación de antecedentes", True),
    ("Confidentiality agreement signed", "Acuerdo de confidencialidad firmado", True),
    (
        "Immunizations and badge (inpatient work)",
        "Vacunas y credencial (trabajo en hospital)",
        False,
    ),
]
# Screening item → the qualification its pass grants.
STARTER_GRANTS = [
    ("Background check", "Background check"),
]
STARTER_QUALIFICATIONS = [
    # name, Spanish, months valid, required to be matched
    ("Background check", "Verificación de antecedentes", 36, True),
    ("Annual refresher training", "Capacitación anual de repaso", 12, True),
    ("Confidentiality agreement", "Acuerdo de confidencialidad", 12, True),
    ("Inpatient clearance", "Autorización para trabajo en hospital", 12, False),
]


def program_ensure_mentor_lists(*, program: Program) -> None:
    """Give a program the starter screening checklist and qualification list, once.

    Called on every roster page: once done, the shared cache remembers it for an hour, so the
    page does not ask the database twice for what it already knows."""
    done_key = f"kindred:mentor-lists:{program.pk}"
    if cache.get(done_key):
        return
    _ensure_mentor_lists(program)
    transaction.on_commit(lambda: cache.set(done_key, True, 60 * 60))


def _ensure_mentor_lists(program: Program) -> None:
    if not ScreeningItem.objects.filter(program=program).exists():
        ScreeningItem.objects.bulk_create(
            ScreeningItem(program=program, name=n, name_es=es, required=req, position=i)
            for i, (n, es, req) in enumerate(STARTER_SCREENING)
        )
    if not QualificationType.objects.filter(program=program).exists():
        QualificationType.objects.bulk_create(
            QualificationType(
                program=program, name=n, name_es=es, validity_months=m, required_for_matching=req
            )
            for n, es, m, req in STARTER_QUALIFICATIONS
        )
    else:
        return
    # The starter screening items that are a qualification's first grant (one fact, once).
    for item_name, type_name in STARTER_GRANTS:
        granted = QualificationType.objects.filter(program=program, name__iexact=type_name).first()
        if granted is not None:
            ScreeningItem.objects.filter(
                program=program, name__iexact=item_name, grants__isnull=True
            ).update(grants=granted)


def _link(request: HttpRequest | None, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else settings.SITE_URL + url


def coordinators_of(program: Program) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(program=program, role=Role.COORDINATOR)
        .select_related("user")
    ]


def mentor_apply(
    *,
    program: Program,
    data: dict[str, Any],
    many: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    submission_key: str = "",
) -> Mentor:
    """A parent applies through the public page. Nothing is written unless all of it is.
    `submission_key`: the digest of the form's one-time key (IntegrityError if used)."""
    with transaction.atomic():
        program_ensure_mentor_lists(program=program)
        mentor = Mentor(
            program=program,
            status=Mentor.Status.APPLICANT,
            submission_key=submission_key,
            **data,
        )
        # The key's unique constraint is the database's to enforce: a concurrent twin fails
        # the insert, and the page answers it with the first one's thank-you.
        mentor.full_clean(exclude=["submission_key"])
        mentor.save()
        for name, values in (many or {}).items():
            getattr(mentor, name).set(values)
        mentor.write_transition_row(from_status="", to_status=Mentor.Status.APPLICANT, by=None)
        record(
            action="mentors.mentor.created",
            request=request,
            actor_label="public application",
            obj=mentor,
            fields=[*data, *(many or {})],
            detail={"source": "application"},
        )
        with translation.override(mentor.preferred_language):
            title = program.mentor_title_for(mentor.preferred_language)
            body = render_to_string(
                "mentors/email/application_received.txt",
                {"program": program, "title": title, "mentor": mentor},
            )
            subject = render_to_string(
                "mentors/email/application_received_subject.txt",
                {"program": program, "title": title},
            ).strip()
        send_email_after_commit(subject=subject, body=body, to=[mentor.email])
        link = _link(request, reverse("mentors:list") + "?status=applicant")
        for coordinator in coordinators_of(program):
            with translation.override(coordinator.language):
                title = program.mentor_title_for(coordinator.language)
                subject = render_to_string(
                    "mentors/email/new_applicant_subject.txt", {"program": program, "title": title}
                ).strip()
                body = render_to_string(
                    "mentors/email/new_applicant.txt",
                    {"program": program, "title": title, "link": link},
                )
            send_email_after_commit(subject=subject, body=body, to=[coordinator.email])
    return mentor


def mentor_change_status(
    *,
    mentor: Mentor,
    to: str,
    by: Any,
    reason: str = "",
    paused_until: date | None = None,
    request: HttpRequest | None = None,
) -> MentorStatusChange:
    """Move a mentor through the lifecycle (`Mentor.transition`: table, gates, row and audit
    event), then what the move changes outside the mentor's record, in the same transaction."""
    with transaction.atomic():
        change = mentor.transition(
            to=to, by=by, reason=reason, paused_until=paused_until, request=request
        )
        if change.from_status == Mentor.Status.ACTIVE and change.to_status != Mentor.Status.ACTIVE:
            mentor_stop_matching(
                mentor=mentor, change=cast(MentorStatusChange, change), request=request
            )
    return cast(MentorStatusChange, change)


def mentor_stop_matching(
    *, mentor: Mentor, change: MentorStatusChange, request: HttpRequest | None = None
) -> None:
    """A mentor leaves the matchable set (paused, alumni), inside the status change's transaction.

    Families already matched stay with the mentor, and `Mentor.objects.matchable` leaves them
    out of new matches by their status; the apps with a `mentor_stopped` module act on it (the
    matching app withdraws the mentor's open offers and tells the coordinators after commit).
    """
    for module in mentor_stopped_modules():
        module.mentor_stopped(mentor=mentor, change=change, request=request)


def screening_record(
    *,
    mentor: Mentor,
    item: ScreeningItem,
    result: str,
    done_on: date,
    notes: str,
    by: Any,
    request: HttpRequest | None = None,
) -> ScreeningRecord:
    with transaction.atomic():
        entry = ScreeningRecord(
            mentor=mentor, item=item, result=result, done_on=done_on, notes=notes, recorded_by=by
        )
        entry.full_clean()
        entry.save()
        granted = item.grants if item.grants_id and item.grants.is_active else None  # type: ignore[union-attr]
        if result == ScreeningRecord.Result.PASSED and granted is not None:
            qualification_record(
                mentor=mentor,
                type=granted,
                obtained_on=done_on,
                notes=gettext("From the screening item “%(item)s”.") % {"item": item.name},
                by=by,
                request=request,
            )
        record(
            action="mentors.screeningrecord.created",
            request=request,
            actor=by,
            program=mentor.program_id,
            obj=entry,
            fields=["result", "done_on", "notes"],
        )
    return entry


def qualification_record(
    *,
    mentor: Mentor,
    type: QualificationType,
    obtained_on: date,
    expires_on: date | None = None,
    notes: str = "",
    by: Any,
    request: HttpRequest | None = None,
) -> Qualification:
    """Record a qualification or its renewal; the expiry defaults to the type's validity."""
    with transaction.atomic():
        entry = Qualification(
            mentor=mentor,
            type=type,
            obtained_on=obtained_on,
            expires_on=expires_on or type.expiry_for(obtained_on),
            notes=notes,
            recorded_by=by,
        )
        entry.full_clean()
        entry.save()
        record(
            action="mentors.qualification.created",
            request=request,
            actor=by,
            program=mentor.program_id,
            obj=entry,
            fields=["obtained_on", "expires_on", "notes"],
        )
    return entry


def mentor_invite(*, mentor: Mentor, by: Any, request: HttpRequest | None = None) -> None:
    """Invite an activated mentor to sign in; their account links to this record by e-mail."""
    from kindred.programs.services import member_invite

    with transaction.atomic():
        member_invite(
            program=mentor.program,
            email=mentor.email,
            role=Role.MENTOR,
            invited_by=by,
            request=request,
        )
        record(
            action="mentors.mentor.invited", request=request, actor=by, obj=mentor, fields=["email"]
        )
