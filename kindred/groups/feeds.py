"""iCalendar feeds (RFC 5545) made with the `icalendar` library: one VEVENT per group carrying
its RRULE, an EXDATE for each cancelled session and an overriding VEVENT (same UID,
RECURRENCE-ID) for each session with details of its own (moved, a topic, a speaker).

Feeds are read through secret links (`CalendarFeed.token`): a group's (no video link: it may be
passed around), a person's (the groups they lead, or every group for the program's staff) and a
family's (the groups they are registered for, with the video links). Revoking a link ends it.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from kindred.groups.models import CalendarFeed, GroupSession, Registration, SupportGroup
from kindred.groups.schedule import Occurrence, zone
from kindred.programs.access import has_capability
from kindred.programs.permissions import Cap

PRODID = "-//Kindred//Support groups//EN"


def _owner(group: Any, user: Any, family: Any) -> dict[str, Any]:
    owner = {"group": group, "user": user, "family": family}
    return {k: v for k, v in owner.items() if v is not None}


def current_feed(
    *, program: Any, group: Any = None, user: Any = None, family: Any = None
) -> CalendarFeed | None:
    """The owner's live secret link, if there is one. Reads only: a page shown by a GET uses
    this, and offers a button (a POST) to make the link."""
    return CalendarFeed.objects.filter(
        program=program, revoked_at__isnull=True, **_owner(group, user, family)
    ).first()


def live_feed(
    *, program: Any, group: Any = None, user: Any = None, family: Any = None
) -> CalendarFeed:
    """The owner's live secret link, made when there is none. Writes: only inside a change of
    state (a POST, a notice being sent), never from a GET."""
    existing = current_feed(program=program, group=group, user=user, family=family)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(
                program=program, **{"group": group, "user": user, "family": family}
            )
    except IntegrityError:  # a concurrent request made it first
        return CalendarFeed.objects.get(
            program=program, revoked_at__isnull=True, **_owner(group, user, family)
        )


def revoke(feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("program", "group", "user", "family")
        .first()
    )


def groups_of_feed(feed: CalendarFeed) -> tuple[QuerySet[SupportGroup], bool]:
    """The groups a feed shows, and whether it may carry the video links."""
    groups = SupportGroup.objects.filter(program=feed.program, program__is_active=True)
    if feed.group_id:
        return groups.filter(pk=feed.group_id).exclude(status="draft"), False
    if feed.family_id:
        ids = Registration.objects.filter(
            family_id=feed.family_id, status=Registration.Status.REGISTERED
        ).values("group_id")
        return groups.filter(pk__in=ids).exclude(status="draft"), True
    user = feed.user
    if (
        user is None
        or not user.is_active
        or not has_capability(user, feed.program_id, Cap.GROUPS_VIEW)
    ):
        return groups.none(), False
    if has_capability(user, feed.program_id, Cap.GROUPS_ROSTER):
        return groups.exclude(status="draft"), True
    led = Q(facilitators__user=user) | Q(facilitators__mentor__user=user)
    return groups.filter(led).exclude(status="draft").distinct(), True


def _local(group: SupportGroup, when: datetime) -> datetime:
    return timezone.localtime(when, zone(group))


def _uid(group: SupportGroup) -> str:
    return f"kindred-group-{group.pk}@{settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != '*' else 'kindred'}"


def _describe(
    group: SupportGroup, details: Any, language: str, *, with_video: bool, topic: str = ""
) -> str:
    lines = []
    if topic:
        lines.append(topic)
    description = group.description_for(language)
    if description:
        lines.append(description)
    if with_video and details.has_video and details.video_link:
        lines.append(details.video_link)
    if details.practical_note:
        lines.append(details.practical_note)
    return "\n\n".join(lines)


def _fill(
    event: Event,
    group: SupportGroup,
    details: Any,
    language: str,
    *,
    with_video: bool,
    topic: str = "",
) -> None:
    summary = group.name_for(language)
    event.add("summary", f"{summary}: {topic}" if topic else summary)
    if details.has_place and details.place:
        event.add("location", details.place)
    elif with_video and details.has_video and details.video_link:
        event.add("location", details.video_link)
    text = _describe(group, details, language, with_video=with_video, topic=topic)
    if text:
        event.add("description", text)


def group_events(
    group: SupportGroup,
    sessions: Iterable[GroupSession],
    language: str,
    *,
    with_video: bool,
    stamp: datetime,
) -> list[Event]:
    tz = zone(group)
    start = datetime.combine(group.first_date, group.start_time).replace(tzinfo=tz)
    master = Event()
    master.add("uid", _uid(group))
    master.add("dtstamp", stamp)
    master.add("dtstart", start)
    master.add("dtend", start + timedelta(minutes=group.duration_minutes))
    master.add("rrule", vRecur.from_ical(group.rrule))
    _fill(master, group, group, language, with_video=with_video)
    events = [master]
    cancelled = []
    for session in sessions:
        if session.is_cancelled:
            cancelled.append(_local(group, session.recurrence_id))
            continue
        override = Event()
        override.add("uid", _uid(group))
        override.add("dtstamp", stamp)
        override.add("recurrence-id", _local(group, session.recurrence_id))
        override.add("dtstart", _local(group, session.starts_at))
        override.add("dtend", _local(group, session.ends_at))
        _fill(
            override,
            group,
            session,
            language,
            with_video=with_video,
            topic=session.topic_for(language),
        )
        events.append(override)
    if cancelled:
        master.add("exdate", cancelled)
    return events


def calendar_for(
    groups: Iterable[SupportGroup], language: str, *, with_video: bool, name: str = ""
) -> bytes:
    groups = list(groups)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    by_group: dict[int, list[GroupSession]] = {g.pk: [] for g in groups}
    for session in GroupSession.objects.filter(group_id__in=by_group).order_by("recurrence_id"):
        by_group[session.group_id].append(session)
    stamp = timezone.now()
    for group in groups:
        for event in group_events(
            group, by_group[group.pk], language, with_video=with_video, stamp=stamp
        ):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def session_calendar(occurrence: Occurrence, language: str, *, with_video: bool) -> bytes:
    """One meeting as its own event (the "add to my calendar" of a session)."""
    group = occurrence.group
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"kindred-group-{group.pk}-{occurrence.key}@kindred")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(group, occurrence.starts_at))
    event.add("dtend", _local(group, occurrence.ends_at))
    if occurrence.is_cancelled:
        event.add("status", "CANCELLED")
    _fill(
        event,
        group,
        occurrence.details,
        language,
        with_video=with_video,
        topic=occurrence.topic_for(language),
    )
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
