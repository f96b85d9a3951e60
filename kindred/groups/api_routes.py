"""`/api/groups`: a program's support groups with their next sessions and the places left, and
one group's sessions in a window (read only). The same scope as the pages: groups.view in the
program; another program's group is a 404. No family is named (places are counts), and a
session's video link is given only to those who run the group (as on its page)."""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kindred.groups.access import can_run, get_group_for
from kindred.groups.models import SupportGroup
from kindred.groups.schedule import Occurrence, occurrences, zone
from kindred.programs.api_kit import (
    PageQuery,
    RecordId,
    answers,
    api_program,
    caller,
    id_path,
    one_of,
)
from kindred.programs.permissions import Cap

if TYPE_CHECKING:
    GroupStatus = str
else:
    GroupStatus = one_of(SupportGroup.Status.values)

PREFIX = "groups"
router = Router(tags=["groups"])

NEXT_SESSIONS = 3
LOOK_AHEAD = timedelta(days=92)
MAX_WINDOW = timedelta(days=731)
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


class SessionOut(Schema):
    key: str
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    moved: bool
    topic: str
    topic_es: str
    format: str
    place: str
    video_link: str


class GroupOut(Schema):
    id: int
    program_id: int
    name: str
    name_es: str
    description: str
    description_es: str
    language: str
    audience: str
    format: str
    registration: str
    status: str
    rrule: str
    time_zone: str
    capacity: int | None
    places_left: int | None
    full: bool
    waitlisted: int
    next_sessions: list[SessionOut]


class GroupPage(Schema):
    count: int
    items: list[GroupOut]


class SessionPage(Schema):
    count: int
    items: list[SessionOut]


class GroupFilters(PageQuery):
    program: RecordId | None = None
    status: GroupStatus | None = None


class SessionFilters(PageQuery):
    start: date | None = Field(None, description="First day (the group's time zone); today")
    end: date | None = Field(None, description="Last day; 92 days after the start")
    cancelled: bool = True


def _session(occurrence: Occurrence, *, with_video: bool) -> dict[str, Any]:
    details = occurrence.details
    session = occurrence.session
    return {
        "key": occurrence.key,
        "recurrence_id": occurrence.recurrence_id,
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
        "cancelled": occurrence.is_cancelled,
        "moved": occurrence.is_moved,
        "topic": session.topic if session else "",
        "topic_es": session.topic_es if session else "",
        "format": details.format,
        "place": details.place if details.has_place else "",
        "video_link": details.video_link if with_video and details.has_video else "",
    }


GROUP_FIELDS = (
    "id", "program_id", "name", "name_es", "description", "description_es", "language",
    "audience", "format", "registration", "status", "rrule", "time_zone",
)  # fmt: skip


def _group(group: Any, upcoming: list[Occurrence], *, with_video: bool) -> dict[str, Any]:
    limits = group.limits_places
    return {
        **{name: getattr(group, name) for name in GROUP_FIELDS},
        "capacity": group.capacity if limits else None,
        "places_left": max(group.capacity - group.registered_count, 0) if limits else None,
        "full": group.is_full,
        "waitlisted": group.waitlisted,
        "next_sessions": [_session(o, with_video=with_video) for o in upcoming],
    }


@router.get("", response=answers(GroupPage), url_name="group_list")
def groups(request: HttpRequest, filters: Query[GroupFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.GROUPS_VIEW)
    found = SupportGroup.objects.visible_to(user).filter(program=program)
    if filters.status:
        found = found.filter(status=filters.status)
    else:
        found = found.exclude(status=SupportGroup.Status.ENDED)
    found = found.annotate(
        waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted"))
    ).order_by("name", "pk")
    count = found.count()
    page = list(found[filters.offset : filters.offset + filters.limit])
    now = timezone.now()
    upcoming: dict[int, list[Occurrence]] = {g.pk: [] for g in page}
    for occurrence in occurrences(page, now, now + LOOK_AHEAD, include_cancelled=False):
        listed = upcoming[occurrence.group.pk]
        if len(listed) < NEXT_SESSIONS:
            listed.append(occurrence)
    return {
        "count": count,
        "items": [_group(g, upcoming[g.pk], with_video=can_run(user, g)) for g in page],
    }


@router.get("/{group_id}/sessions", response=answers(SessionPage), url_name="group_sessions")
def sessions(
    request: HttpRequest, filters: Query[SessionFilters], group_id: int = id_path()
) -> dict:
    user = caller(request)
    group = get_group_for(request, group_id)
    tz = zone(group)
    first = filters.start or timezone.localtime(timezone.now(), tz).date()
    if not EARLIEST <= first <= LATEST or not EARLIEST <= (filters.end or first) <= LATEST:
        raise HttpError(400, _("Ask for dates between 1900 and 2200."))
    last = filters.end or first + LOOK_AHEAD
    if last < first:
        raise HttpError(400, _("The end comes before the start."))
    if last - first > MAX_WINDOW:
        raise HttpError(400, _("Ask for two years of sessions at most."))
    start = datetime.combine(first, time.min).replace(tzinfo=tz)
    end = datetime.combine(last, time.max).replace(tzinfo=tz)
    found = occurrences([group], start, end, include_cancelled=filters.cancelled)
    with_video = can_run(user, group)
    window = found[filters.offset : filters.offset + filters.limit]
    return {"count": len(found), "items": [_session(o, with_video=with_video) for o in window]}
