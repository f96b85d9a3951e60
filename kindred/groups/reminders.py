"""Reminders before a session, in the family's language, once per family and session: only to
families registered now, who still consent to groups and contact, for a session that is not
cancelled and whose attendance was not taken. Run every hour by cron
(`manage.py send_group_reminders`) or by the worker (`kindred.groups.tasks.group_reminders`)."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kindred.audit.log import record
from kindred.groups.models import Registration, SessionReminder, SupportGroup
from kindred.groups.notifications import send_session_reminder
from kindred.groups.schedule import occurrences, session_for
from kindred.groups.services import may_join

LOOKAHEAD_HOURS_MAX = 7 * 24


def send_group_reminders(now: datetime | None = None) -> int:
    """Send the reminders due now; returns how many were sent."""
    now = now or timezone.now()
    groups = list(SupportGroup.objects.published().select_related("program"))
    sent = 0
    for occurrence in occurrences(
        groups, now, now + timedelta(hours=LOOKAHEAD_HOURS_MAX), include_cancelled=False
    ):
        group = occurrence.group
        if occurrence.starts_at > now + timedelta(hours=group.remind_hours_before):
            continue
        if occurrence.session is not None and occurrence.session.attendance_taken_at:
            continue
        registrations = list(
            Registration.objects.filter(group=group, status=Registration.Status.REGISTERED)
            .select_related("family", "group")
            .prefetch_related("family__caregivers")
        )
        if not registrations:
            continue
        with transaction.atomic():
            session = session_for(occurrence)
        for registration in registrations:
            if not may_join(registration.family):
                continue
            try:
                with transaction.atomic():
                    SessionReminder.objects.create(session=session, registration=registration)
                    if send_session_reminder(registration, occurrence):
                        sent += 1
                        record(
                            action="groups.registration.reminded",
                            obj=registration,
                            detail={"session": session.pk},
                        )
            except IntegrityError:
                continue  # already reminded (a concurrent run)
    return sent
