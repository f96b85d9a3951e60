"""The daily matching run: offers of mentors who became not matchable (a qualification
expired) withdrawn; the early fit check once it is due, and a match's end a few days before it
(program settings). Each is sent once, to the mentor and the coordinators, in their language,
with a link only.

The issue asks for the fit check "after the first two contacts or two weeks, whichever comes
first": the match's stored date is `fit_check_days` (14) after it became active, and the run
first brings it forward to the day of the second contact (encounters between the match's mentor
and family, `contacts.py`) when that came first.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kindred.matching.models import Match, MatchSettings
from kindred.matching.notices import notify_coordinators, notify_mentor


def withdraw_unmatchable() -> int:
    """Mentors who became not matchable without a status change (a required qualification
    expired): their offers not yet introduced are withdrawn, the coordinators told."""
    from django.utils.translation import gettext as _

    from kindred.matching.services import unmatchable_reasons, withdraw_pending
    from kindred.mentors.models import Mentor

    withdrawn = 0
    waiting = Match.objects.filter(
        status__in=["proposed", "approved", "offered", "info_requested", "accepted"]
    ).values("mentor_id")
    for mentor in Mentor.objects.filter(pk__in=waiting, status=Mentor.Status.ACTIVE):
        reasons = unmatchable_reasons(mentor)
        if reasons:
            reason = _("The mentor cannot be matched now: %(why)s") % {"why": " ".join(reasons)}
            withdrawn += withdraw_pending(mentor=mentor, by=None, reason=reason[:500])
    return withdrawn


def send_match_reminders(on: date | None = None) -> int:
    on = on or timezone.localdate()
    from kindred.matching.services import advance_fit_checks

    sent = withdraw_unmatchable()
    advance_fit_checks(on)
    fit_due = Match.objects.filter(
        status="active", fit_check_due__lte=on, fit_reminded_at__isnull=True
    ).select_related("mentor", "mentor__user", "program")
    for match in fit_due:
        with transaction.atomic():
            Match.objects.filter(pk=match.pk).update(fit_reminded_at=timezone.now())
            if not match.mentor_fit:
                notify_mentor("fit_check", match)
            if not match.coordinator_fit:
                notify_coordinators("fit_check", match)
        sent += 1
    settings = {s.program_id: s for s in MatchSettings.objects.all()}
    ending = Match.objects.filter(status="active", ends_on__isnull=False).select_related(
        "mentor", "mentor__user", "program"
    )
    for match in ending:
        days = settings.get(match.program_id, MatchSettings()).remind_days_before_end
        if (
            match.ends_on is None
            or match.end_reminded_for == match.ends_on
            or match.ends_on - timedelta(days=days) > on
        ):
            continue
        with transaction.atomic():
            Match.objects.filter(pk=match.pk).update(end_reminded_for=match.ends_on)
            notify_mentor("end_soon", match)
            notify_coordinators("end_soon", match)
        sent += 1
    return sent


@task()
def match_reminders() -> int:
    return send_match_reminders()
