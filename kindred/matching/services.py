"""The match's life across models: the mentor's places, the family's other proposals, the
blocked pairs, the referral's step and the notices, each in the move's transaction.

Lock order, everywhere: the mentor row first (`Mentor.locked()`, the state kit's pattern), then
the match. Two coordinators approving a mentor's last place therefore queue on the mentor row:
the second one sees the place taken. The database's CheckConstraint
`mentors_mentor_within_capacity` is the guard behind the guard.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families.models import Family
from kindred.matching.models import (
    AWAITING_MENTOR_STATUSES,
    CLOSE_REASONS,
    DECLINE_REASONS,
    HOLDS_PLACE,
    BlockedPair,
    Match,
    MatchSettings,
)
from kindred.matching.notices import notify_coordinators, notify_mentor
from kindred.mentors.eligibility import not_matchable_reasons
from kindred.mentors.models import Mentor
from kindred.referrals.models import Referral
from kindred.referrals.status import Status as ReferralStatus
from kindred.referrals.status import Step


def _sync_places(mentor: Mentor) -> None:
    """The mentor's places held, counted again on the locked row (true, never drifting)."""
    count = Match.objects.filter(mentor=mentor, status__in=HOLDS_PLACE).count()
    if count != mentor.active_family_count:
        mentor.active_family_count = count
        mentor.save(update_fields=["active_family_count"])


def unmatchable_reasons(mentor: Mentor) -> list[str]:
    """Why the mentor may not take a new family, their places aside (the places are counted
    under the lock): not active, a required qualification missing or expired."""
    held = mentor.active_family_count
    mentor.active_family_count = 0  # in memory only: capacity is not the question here
    try:
        return not_matchable_reasons(mentor)
    finally:
        mentor.active_family_count = held


def propose(
    *,
    family: Family,
    mentor: Mentor,
    by: Any,
    score: int | None = None,
    reasons: list[dict[str, Any]] | None = None,
    looser_note: str = "",
    request: HttpRequest | None = None,
) -> Match:
    """A proposal: the coordinator's pick from the ranked list (or the batch)."""
    if family.program_id != mentor.program_id:
        raise ValidationError(_("The mentor belongs to another program."), code="program")
    if family.status != Family.Status.ACTIVE:
        raise ValidationError(_("This family's record is not active."), code="family_inactive")
    if BlockedPair.objects.filter(family=family, mentor=mentor).exists():
        raise ValidationError(_("This family and this mentor must not be matched."), code="blocked")
    with transaction.atomic():
        if Match.objects.filter(family=family, mentor=mentor, status__in=Match.OPEN).exists():
            raise ValidationError(
                _("This family and mentor already have an open match."), code="duplicate"
            )
        match = Match.objects.create(
            program_id=family.program_id,
            family=family,
            mentor=mentor,
            score=None if score is None else max(0, min(100, int(score))),
            reasons=reasons or [],
            looser=bool(looser_note),
            looser_note=looser_note[:500],
            proposed_by=by if getattr(by, "pk", None) else None,
        )
        match.write_transition_row(from_status="", to_status="proposed", by=by)
        match.audit_change(verb="proposed", by=by, request=request, detail={"score": score})
    return match


def approve_and_offer(*, match: Match, by: Any, request: HttpRequest | None = None) -> Match:
    """The coordinator approves a proposal and offers it to the mentor: one of the mentor's
    places is taken, under the mentor's row lock."""
    mentor = match.mentor
    with mentor.locked():
        reasons = unmatchable_reasons(mentor)
        if reasons:
            raise TransitionError(
                _("This mentor cannot receive an offer now: %(why)s"),
                code="inactive",
                params={"why": " ".join(reasons)},
            )
        match.refresh_from_db()
        if match.status == "proposed":
            taken = Match.objects.filter(mentor=mentor, status__in=HOLDS_PLACE).count()
            if taken >= mentor.max_families:
                raise TransitionError(
                    _("This mentor has no place left (%(n)s of %(max)s)."),
                    code="capacity",
                    params={"n": taken, "max": mentor.max_families},
                )
            match.transition(to="approved", by=by, request=request)
            _sync_places(mentor)
        match.transition(to="offered", by=by, request=request)
        notify_mentor("offered", match)
    return match


def answer_question(
    *, match: Match, by: Any, answer: str, request: HttpRequest | None = None
) -> Match:
    """The coordinator answers the mentor's question: the offer stands again."""
    if not answer.strip():
        raise TransitionError(_("Please write your answer."), code="answer_required")
    match.transition(to="offered", by=by, answer=answer, note=answer[:2000], request=request)
    notify_mentor("answered", match)
    return match


def mentor_answer(
    *,
    match: Match,
    by: Any,
    answer: str,
    code: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Match:
    """The mentor accepts, declines (with a reason from the list) or asks a question."""
    with match.mentor.locked():
        if answer == "accept":
            match.transition(to="accepted", by=by, note=note, request=request)
            notify_coordinators("accepted", match)
        elif answer == "decline":
            label = str(dict(DECLINE_REASONS).get(code, ""))
            match.transition(
                to="declined", by=by, reason=label, code=code, note=note, request=request
            )
            block = (
                BlockedPair.Kind.CONFLICT if code == "know_family" else BlockedPair.Kind.DECLINED
            )
            _block(match, kind=block, by=by, note=label)
            _sync_places(match.mentor)
            notify_coordinators("declined", match)
        elif answer == "ask":
            match.transition(to="info_requested", by=by, question=note, note=note, request=request)
            notify_coordinators("info_requested", match)
        else:
            raise TransitionError(_("Choose an answer."), code="invalid_answer")
    return match


def introduce(
    *, match: Match, by: Any, note: str = "", request: HttpRequest | None = None
) -> Match:
    """The coordinator introduces mentor and family (the family's consent checked again)."""
    match.transition(to="introduced", by=by, note=note, request=request)
    notify_mentor("introduced", match)
    return match


def start(*, match: Match, by: Any, note: str = "", request: HttpRequest | None = None) -> Match:
    """The match becomes active: the family's other proposals and offers are withdrawn, the
    referral reaches its matched step, the fit check and the end date are set."""
    settings = MatchSettings.for_program(match.program_id)
    with transaction.atomic():
        match.transition(
            to="active",
            by=by,
            note=note,
            request=request,
            fit_check_days=settings.fit_check_days,
            duration_weeks=settings.duration_weeks,
        )
        others = Match.objects.filter(family_id=match.family_id, status__in=Match.OPEN).exclude(
            pk=match.pk
        )
        for other in others.select_related("mentor"):
            withdraw(
                match=other,
                by=by,
                reason=_("The family is now matched with another mentor."),
                request=request,
            )
        _referral_matched(match, by=by, request=request)
    return match


def _referral_matched(match: Match, *, by: Any, request: HttpRequest | None) -> None:
    referral = (
        Referral.objects.filter(
            family_id=match.family_id,
            status__in=[
                ReferralStatus.REQUESTED,
                ReferralStatus.ACCEPTED,
                ReferralStatus.IN_PROGRESS,
            ],
        )
        .order_by("-received_at", "-id")
        .first()
    )
    if referral is None or referral.step == Step.MATCHED:
        return
    note = _("Matched with a mentor (match %(id)s).") % {"id": match.pk}
    if referral.status == ReferralStatus.IN_PROGRESS:
        referral.change_step(step=Step.MATCHED, by=by, note=note, request=request)
    elif referral.can_become(ReferralStatus.IN_PROGRESS):
        referral.transition(
            to=ReferralStatus.IN_PROGRESS, by=by, step=Step.MATCHED, note=note, request=request
        )


def withdraw(*, match: Match, by: Any, reason: str, request: HttpRequest | None = None) -> Match:
    with match.mentor.locked():
        was_offered = match.status not in {"proposed", "approved"}
        match.transition(to="withdrawn", by=by, reason=reason, request=request)
        _sync_places(match.mentor)
    if was_offered:
        notify_mentor("withdrawn", match)
    return match


def close(
    *, match: Match, by: Any, code: str, note: str = "", request: HttpRequest | None = None
) -> Match:
    label = str(dict(CLOSE_REASONS).get(code, ""))
    with match.mentor.locked():
        match.transition(to="closed", by=by, reason=label, code=code, note=note, request=request)
        _sync_places(match.mentor)
        if code == "not_good_fit":
            _block(match, kind=BlockedPair.Kind.NOT_GOOD_FIT, by=by, note=note)
    notify_mentor("closed", match)
    return match


def record_fit(
    *,
    match: Match,
    by: Any,
    side: str,
    fit: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Match:
    """The early fit check: the mentor's and the coordinator's (on the family's behalf) answer.
    "Not a good fit" closes the match and returns the family to matching, that mentor blocked."""
    if side not in {"mentor", "coordinator"} or fit not in {"good", "not_good"}:
        raise TransitionError(_("Choose an answer."), code="invalid_answer")
    with transaction.atomic():
        with match.locked():
            if match.status != "active":
                raise TransitionError(
                    _("The fit check is asked only of an active match."), code="not_allowed"
                )
            field = "mentor_fit" if side == "mentor" else "coordinator_fit"
            setattr(match, field, fit)
            match.save(update_fields=[field])
            match.audit_change(
                verb="fit_checked", by=by, request=request, fields=[field], detail={"fit": fit}
            )
        if fit == "not_good":
            close(match=match, by=by, code="not_good_fit", note=note, request=request)
            notify_coordinators("not_good_fit", match)
    return match


def advance_fit_checks(on: date) -> int:
    """The early fit check is due at the second contact when it comes before the two weeks:
    each active match not yet asked whose second contact is before its stored date gets the
    contact's day (audited, in its own transaction). Returns how many moved."""
    from kindred.matching.contacts import with_second_contact

    moved = 0
    candidates = with_second_contact(
        Match.objects.filter(
            status="active", fit_reminded_at__isnull=True, fit_check_due__isnull=False
        )
    ).filter(second_contact_at__isnull=False)
    for match in candidates:
        contact_day = timezone.localdate(match.second_contact_at)
        if match.fit_check_due is None or contact_day >= match.fit_check_due or contact_day > on:
            continue
        with match.locked():
            if match.status != "active" or match.fit_reminded_at is not None:
                continue
            match.fit_check_due = contact_day
            match.save(update_fields=["fit_check_due"])
            match.audit_change(
                verb="fit_check_advanced",
                by=None,
                request=None,
                fields=["fit_check_due"],
                detail={"contacts": 2},
            )
        moved += 1
    return moved


def renew(*, match: Match, by: Any, request: HttpRequest | None = None) -> Match:
    settings = MatchSettings.for_program(match.program_id)
    weeks = settings.duration_weeks
    with match.locked():
        if match.status != "active" or not weeks:
            raise TransitionError(
                _("Only an active match with a duration can be renewed."), code="not_allowed"
            )
        start_from = max(match.ends_on or timezone.localdate(), timezone.localdate())
        match.ends_on = start_from + timedelta(weeks=weeks)
        match.renewals += 1
        match.end_reminded_for = None
        match.save(update_fields=["ends_on", "renewals", "end_reminded_for"])
        match.audit_change(verb="renewed", by=by, request=request, fields=["ends_on"])
    return match


def add_block(
    *, family: Family, mentor: Mentor, by: Any, note: str, request: HttpRequest | None = None
) -> BlockedPair:
    """A conflict of interest the coordinator records: the pair is never proposed."""
    if family.program_id != mentor.program_id:
        raise ValidationError(_("The mentor belongs to another program."), code="program")
    with transaction.atomic():
        block, _created = BlockedPair.objects.get_or_create(
            family=family,
            mentor=mentor,
            kind=BlockedPair.Kind.CONFLICT,
            defaults={"program_id": family.program_id, "note": note[:500], "created_by": by},
        )
        record(action="matching.blockedpair.created", request=request, actor=by, obj=block)
    return block


def _block(match: Match, *, kind: str, by: Any, note: str) -> None:
    BlockedPair.objects.get_or_create(
        family_id=match.family_id,
        mentor_id=match.mentor_id,
        kind=kind,
        defaults={
            "program_id": match.program_id,
            "match": match,
            "note": note[:500],
            "created_by": by if getattr(by, "pk", None) else None,
        },
    )


def withdraw_pending(
    *, mentor: Mentor, by: Any, reason: str, request: HttpRequest | None = None
) -> int:
    """Withdraw the mentor's proposals, offers and accepted matches not yet introduced, and
    tell the coordinators after commit. Introduced and active matches stay."""
    pending = Match.objects.filter(
        mentor=mentor, status__in=["proposed", "approved", *AWAITING_MENTOR_STATUSES, "accepted"]
    ).select_related("mentor", "program")
    count = 0
    with transaction.atomic():
        for match in pending:
            match.transition(to="withdrawn", by=by, reason=reason, request=request)
            notify_coordinators("mentor_stopped", match)
            count += 1
        with mentor.locked():
            _sync_places(mentor)
    return count


def mentor_stopped(*, mentor: Mentor, change: Any, request: HttpRequest | None) -> None:
    """The mentor paused or left (mentors' `mentor_stopped` extension point, inside the status
    change's transaction)."""
    withdraw_pending(
        mentor=mentor,
        by=change.by,
        reason=_("The mentor paused or left the program."),
        request=request,
    )
