"""Workflows of support groups that span several rows: registering (places, waitlist),
cancelling and promoting, attendance, a session's exception, consent withdrawn.

Places are counted under the group's row lock (`locked()`), and the database refuses a count
above the capacity (`groups_supportgroup_within_capacity`): two registrations for the last place
never both get it. Locks are always taken group first, then registration.
"""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families import consent
from kindred.families.models import Family
from kindred.groups import directory_sync
from kindred.groups.feeds import current_feed, live_feed, revoke
from kindred.groups.models import (
    Attendance,
    CalendarFeed,
    GroupSession,
    Registration,
    SupportGroup,
)
from kindred.groups.notifications import notify_promoted
from kindred.groups.schedule import Occurrence, session_for


def may_join(family: Family) -> bool:
    """Groups need the family's permission to take part and to be contacted (seed: no contact
    without the parent's expressed permission)."""
    return consent.may(family, consent.Scope.GROUPS) and consent.may(family, consent.Scope.CONTACT)


def registration_create(
    *,
    group: SupportGroup,
    family: Family,
    by: Any,
    channel: str = Registration.Channel.STAFF,
    request: HttpRequest | None = None,
    submission_key: str = "",
) -> Registration:
    """A place for the family if one is free, else its turn on the waitlist (in the order
    people asked). Raises TransitionError, and writes nothing, when the family may not join."""
    if family.program_id != group.program_id:
        raise TransitionError(_("This family belongs to another program."), code="program")
    if not may_join(family):
        raise TransitionError(
            _(
                "The family has not given permission to take part in support groups and to be "
                "contacted: record their consent first."
            ),
            code="consent",
        )
    with group.locked():
        if group.status == SupportGroup.Status.ENDED:
            raise TransitionError(_("This group has ended."), code="ended")
        if Registration.objects.active().filter(group=group, family=family).exists():
            raise TransitionError(
                _("This family is already registered or on the waitlist."), code="duplicate"
            )
        full = group.limits_places and group.registered_count >= group.capacity
        now = timezone.now()
        status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
        registration = Registration.objects.create(
            group=group,
            family=family,
            status=status,
            channel=channel,
            asked_at=now,
            registered_at=None if full else now,
            by=by if getattr(by, "pk", None) else None,
            submission_key=submission_key or None,
        )
        if not full:
            SupportGroup.objects.filter(pk=group.pk).update(
                registered_count=F("registered_count") + 1
            )
            group.registered_count += 1
        registration.write_transition_row(from_status="", to_status=status, by=by, at=now)
        registration.audit_change(
            verb="waitlisted" if full else "registered",
            by=by,
            request=request,
            fields=["status", "family", "group"],
            detail={"group": group.pk, "family": family.pk, "channel": channel},
        )
        directory_sync.places_changed(group, by=by, request=request)
    return registration


def registration_cancel(
    *,
    registration: Registration,
    by: Any,
    reason: str,
    request: HttpRequest | None = None,
) -> list[Registration]:
    """Cancel a place or a turn on the waitlist; a freed place goes to the first on the
    waitlist, who is told. Answers the registrations promoted."""
    group = registration.group
    with group.locked():
        was = Registration.objects.get(pk=registration.pk).status
        registration.transition(
            to=Registration.Status.CANCELLED, by=by, reason=reason, request=request
        )
        if was == Registration.Status.REGISTERED:
            SupportGroup.objects.filter(pk=group.pk).update(
                registered_count=F("registered_count") - 1
            )
            group.registered_count -= 1
        promoted = _promote(group, by=by, request=request)
        directory_sync.places_changed(group, by=by, request=request)
        return promoted


def group_capacity_changed(
    *, group: SupportGroup, by: Any, request: HttpRequest | None
) -> list[Registration]:
    """After a coordinator raised the number of places (or opened the group): fill them."""
    with group.locked():
        promoted = _promote(group, by=by, request=request)
        directory_sync.places_changed(group, by=by, request=request)
        return promoted


def _promote(group: SupportGroup, *, by: Any, request: HttpRequest | None) -> list[Registration]:
    """Inside the group's lock: give free places to the waitlist, in order. Families whose
    consent was withdrawn since they asked are skipped (and taken off the list)."""
    promoted: list[Registration] = []
    waiting = list(
        Registration.objects.filter(group=group, status=Registration.Status.WAITLISTED)
        .select_related("family")
        .order_by("asked_at", "id")
    )
    for candidate in waiting:
        if group.limits_places and group.registered_count >= group.capacity:
            break
        if not may_join(candidate.family):
            candidate.transition(
                to=Registration.Status.CANCELLED,
                by=None,
                reason=_("Consent withdrawn"),
                request=request,
            )
            continue
        candidate.transition(
            to=Registration.Status.REGISTERED,
            by=by,
            note=_("A place became free."),
            request=request,
        )
        SupportGroup.objects.filter(pk=group.pk).update(registered_count=F("registered_count") + 1)
        group.registered_count += 1
        promoted.append(candidate)
        notify_promoted(candidate)
    return promoted


def attendance_mark(
    *,
    occurrence: Occurrence,
    family: Family,
    present: bool,
    by: Any,
    request: HttpRequest | None = None,
) -> Attendance:
    """One tap on the roster: the family came (or, tapped again, did not). A family of the
    program not registered is a walk-in."""
    group = occurrence.group
    if family.program_id != group.program_id:
        raise TransitionError(_("This family belongs to another program."), code="program")
    with transaction.atomic():
        session = session_for(occurrence)
        if session.is_cancelled:
            raise TransitionError(_("This session was cancelled."), code="cancelled")
        registered = Registration.objects.filter(
            group=group, family=family, status=Registration.Status.REGISTERED
        ).exists()
        now = timezone.now()
        row, created = Attendance.objects.select_for_update().get_or_create(
            session=session,
            family=family,
            defaults={
                "present": present,
                "walk_in": not registered,
                "marked_by": by,
                "marked_at": now,
            },
        )
        if not created:
            row.present = present
            row.marked_by = by
            row.marked_at = now
            row.save(update_fields=["present", "marked_by", "marked_at"])
        GroupSession.objects.filter(pk=session.pk).update(
            attendance_taken_at=now, attendance_taken_by=by
        )
        session.attendance_taken_at = now
        record(
            action="groups.attendance.marked",
            request=request,
            actor=by,
            program=group.program_id,
            obj=row,
            fields=["present"],
            detail={"session": session.pk, "family": family.pk, "present": present},
        )
    return row


def session_cancel(
    *, occurrence: Occurrence, by: Any, reason: str, request: HttpRequest | None = None
) -> GroupSession:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Please say why the session is cancelled."), code="reason")
    with transaction.atomic():
        session = session_for(occurrence)
        if session.attendance_taken_at:
            raise TransitionError(_("Attendance was taken: this session happened."), code="held")
        session.status = GroupSession.Status.CANCELLED
        session.cancel_reason = reason[:300]
        session.updated_at = timezone.now()
        session.save(update_fields=["status", "cancel_reason", "updated_at"])
        record(
            action="groups.groupsession.cancelled",
            request=request,
            actor=by,
            program=occurrence.group.program_id,
            obj=session,
            fields=["status", "cancel_reason"],
        )
    return session


def session_save(
    *, occurrence: Occurrence, values: dict[str, Any], by: Any, request: HttpRequest | None = None
) -> GroupSession:
    """A session's own details (topic, speakers, place, a new time: a moved session)."""
    with transaction.atomic():
        session = session_for(occurrence)
        session = GroupSession.objects.select_for_update().get(pk=session.pk)
        changed = []
        for name, value in values.items():
            if getattr(session, name) != value:
                setattr(session, name, value)
                changed.append(name)
        if session.status == GroupSession.Status.CANCELLED and values.get("status") == "scheduled":
            session.cancel_reason = ""
            changed.append("cancel_reason")
        session.updated_at = timezone.now()
        session.full_clean()
        session.save()
        record(
            action="groups.groupsession.changed",
            request=request,
            actor=by,
            program=occurrence.group.program_id,
            obj=session,
            fields=changed,
        )
    occurrence.session = session
    return session


def consent_changed(family: Family, scope: str, *, by: Any, request: HttpRequest | None) -> None:
    """A family withdrew permission for groups or for contact: they leave every group at once
    (so no reminder and no future roster carries them); their places go to the waitlist."""
    if may_join(family):
        return
    for registration in (
        Registration.objects.active().filter(family=family).select_related("group").order_by("id")
    ):
        registration_cancel(
            registration=registration, by=by, reason=_("Consent withdrawn"), request=request
        )


def feed_make(
    *,
    program: Any,
    by: Any,
    request: HttpRequest | None = None,
    group: SupportGroup | None = None,
    user: Any = None,
    renew: bool = False,
) -> CalendarFeed:
    """A group's or a person's secret calendar link, made on a POST (a GET only shows it).
    `renew` stops the live link first, so the old address no longer works."""
    with transaction.atomic():
        if renew:
            feed_stop(program=program, by=by, request=request, group=group, user=user)
        existing = current_feed(program=program, group=group, user=user)
        if existing is not None:
            return existing
        feed = live_feed(program=program, group=group, user=user)
        record(
            action="groups.calendarfeed.created",
            request=request,
            actor=by,
            program=program,
            obj=feed,
            detail={"group": group.pk} if group is not None else {},
        )
    return feed


def feed_stop(
    *,
    program: Any,
    by: Any,
    request: HttpRequest | None = None,
    group: SupportGroup | None = None,
    user: Any = None,
) -> int:
    """Revoke the owner's live link; answers how many links stopped (0 when there was none)."""
    with transaction.atomic():
        owner = {"group": group} if group is not None else {"user": user}
        stopped = 0
        for feed in CalendarFeed.objects.select_for_update().filter(
            program=program, revoked_at__isnull=True, **owner
        ):
            revoke(feed)
            stopped += 1
            record(
                action="groups.calendarfeed.revoked",
                request=request,
                actor=by,
                program=program,
                obj=feed,
                detail={"group": group.pk} if group is not None else {},
            )
    return stopped
