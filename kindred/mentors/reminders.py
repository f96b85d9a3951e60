"""Reminders about qualifications that expire: once per expiry date, to the mentor and the
program's coordinators, each in their own language, after commit, with only a link (no details
of anyone's health or of the families they support)."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kindred.lib.mail import send_email_after_commit
from kindred.mentors.models import Mentor, Qualification
from kindred.mentors.services import coordinators_of
from kindred.programs.models import Program

LOOKAHEAD_DAYS_MAX = 366
REMINDED_STATUSES = [Mentor.Status.TRAINING, Mentor.Status.ACTIVE, Mentor.Status.PAUSED]


def due_reminders(on: date) -> list[Qualification]:
    """Latest qualifications (not renewed) that expire within their type's reminder window or
    have expired, and were not yet reminded for this expiry date."""
    renewed = Qualification.objects.filter(
        mentor_id=OuterRef("mentor_id"),
        type_id=OuterRef("type_id"),
        obtained_on__gt=OuterRef("obtained_on"),
    )
    candidates = (
        Qualification.objects.filter(
            expires_on__isnull=False,
            expires_on__lte=on + timedelta(days=LOOKAHEAD_DAYS_MAX),
            type__is_active=True,
            mentor__status__in=REMINDED_STATUSES,
            mentor__program__is_active=True,
        )
        .exclude(reminded_for=F("expires_on"))
        .exclude(Exists(renewed))
        .select_related("type", "mentor", "mentor__user", "mentor__program")
    )
    return [
        q
        for q in candidates
        if q.expires_on is not None
        and q.expires_on <= on + timedelta(days=q.type.remind_days_before)
    ]


def send_qualification_reminders(on: date | None = None) -> int:
    """Send the reminders due today; returns how many qualifications were reminded."""
    on = on or timezone.localdate()
    due = due_reminders(on)
    by_program: dict[int, list[Qualification]] = defaultdict(list)
    with transaction.atomic():
        for qualification in due:
            mentor = qualification.mentor
            program = mentor.program
            by_program[program.pk].append(qualification)
            language = mentor.user.language if mentor.user else mentor.preferred_language
            to = mentor.user.email if mentor.user else mentor.email
            with translation.override(language):
                context = {
                    "program": program,
                    "title": program.mentor_title_for(language),
                    "name": qualification.type.label(language),
                    "expires_on": qualification.expires_on,
                    "expired": qualification.expires_on is not None
                    and qualification.expires_on < on,
                    "link": _site(reverse("mentors:home")),
                }
                subject = render_to_string(
                    "mentors/email/qualification_reminder_subject.txt", context
                ).strip()
                body = render_to_string("mentors/email/qualification_reminder.txt", context)
            send_email_after_commit(subject=subject, body=body, to=[to])
            Qualification.objects.filter(pk=qualification.pk).update(
                reminded_for=qualification.expires_on
            )
        for program_id, items in by_program.items():
            program = Program.objects.get(pk=program_id)
            count = len({q.mentor_id for q in items})
            for coordinator in coordinators_of(program):
                with translation.override(coordinator.language):
                    context = {
                        "program": program,
                        "title": program.mentor_title_for(coordinator.language),
                        "count": count,
                        "link": _site(reverse("mentors:list") + "?attention=qualifications"),
                    }
                    subject = render_to_string(
                        "mentors/email/coordinator_reminder_subject.txt", context
                    ).strip()
                    body = render_to_string("mentors/email/coordinator_reminder.txt", context)
                send_email_after_commit(subject=subject, body=body, to=[coordinator.email])
    return len(due)


def _site(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path
