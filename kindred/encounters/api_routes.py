"""`/api/encounters`: list the encounters the caller may read (paged; by family and by date
range) and log one — through the page's own form and `services.encounter_create`, so the API
refuses what the one-screen form refuses, with the same messages, and audits the same way.

Scoped as the pages: coordinators and supervisors every encounter of the program, a mentor those
they took part in or wrote; referrers and evaluators none. Notes are given only to the person
who wrote them and to holders of `encounters.notes` (`access.can_read_notes`)."""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kindred.encounters.access import can_read_notes
from kindred.encounters.codebook import ensure_codebook
from kindred.encounters.forms import MAX_NOTES, EncounterForm
from kindred.encounters.models import (
    MAX_DURATION_MINUTES,
    Encounter,
    EncounterSupport,
)
from kindred.encounters.services import encounter_create
from kindred.encounters.views import _families_for, _input, _services
from kindred.programs.api_kit import (
    PageQuery,
    RecordId,
    answers,
    api_program,
    audited_page,
    caller,
)
from kindred.programs.permissions import Cap

if TYPE_CHECKING:
    SettingValue = str
    ModeValue = str
    InitiatedValue = str
    SupportValue = str
    ConcernValue = str
else:
    from kindred.encounters.models import Concern, InitiatedBy, Mode, Setting, SupportType
    from kindred.programs.api_kit import one_of

    SettingValue = one_of(Setting.values)
    ModeValue = one_of(Mode.values)
    InitiatedValue = one_of(InitiatedBy.values)
    SupportValue = one_of(SupportType.values)
    ConcernValue = one_of(["", *Concern.values])

PREFIX = "encounters"
router = Router(tags=["encounters"])
MAX_RANGE_DAYS = 3 * 366


class EncounterOut(Schema):
    id: int
    program_id: int
    occurred_at: datetime
    duration_minutes: int
    setting: str
    mode: str
    initiated_by: str
    interpreter_used: bool
    families: list[int]
    mentors: list[int]
    support_types: list[str]
    themes: list[str]
    concern: str
    entered_in_error: bool
    notes: str | None  # null when the caller may not read them
    created_at: datetime


class EncounterPage(Schema):
    count: int
    items: list[EncounterOut]


class EncounterFilters(PageQuery):
    program: RecordId | None = None
    family: RecordId | None = None
    start: date | None = None  # occurred on or after this day (the program's time zone)
    end: date | None = None  # occurred on or before this day


class EncounterIn(Schema):
    """What the one-screen form asks; ids are the program's (see /api/families)."""

    program: RecordId | None = None
    occurred_at: datetime | None = None  # now when left out
    duration_minutes: int = Field(30, ge=1, le=MAX_DURATION_MINUTES)
    setting: SettingValue
    mode: ModeValue
    initiated_by: InitiatedValue = "mentor"
    families: list[RecordId] = Field(..., min_length=1, max_length=50)
    mentors: list[RecordId] = Field([], max_length=50)
    caregivers: list[RecordId] = Field([], max_length=100)
    children: list[RecordId] = Field([], max_length=100)
    support_types: list[SupportValue] = Field(..., min_length=1)
    themes: list[RecordId] = Field([], max_length=50)
    interpreter_used: bool = False
    notes: str = Field("", max_length=MAX_NOTES)
    concern: ConcernValue = ""
    concern_details: str = Field("", max_length=MAX_NOTES)
    follow_up: str = Field("", max_length=300)
    follow_up_due: date | None = None


def _out(encounter: Encounter, user: Any) -> dict[str, Any]:
    return {
        "id": encounter.pk,
        "program_id": encounter.program_id,
        "occurred_at": encounter.occurred_at,
        "duration_minutes": encounter.duration_minutes,
        "setting": encounter.setting,
        "mode": encounter.mode,
        "initiated_by": encounter.initiated_by,
        "interpreter_used": encounter.interpreter_used,
        "families": [f.pk for f in encounter.families.all()],
        "mentors": [m.pk for m in encounter.mentors.all()],
        "support_types": [s.support_type for s in encounter.supports.all()],
        "themes": [t.slug for t in encounter.themes.all()],
        "concern": encounter.concern,
        "entered_in_error": encounter.entered_in_error,
        "notes": encounter.notes if can_read_notes(user, encounter) else None,
        "created_at": encounter.created_at,
    }


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@router.get("", response=answers(EncounterPage), url_name="encounter_list")
def encounters(request: HttpRequest, filters: Query[EncounterFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.ENCOUNTERS_VIEW, Cap.ENCOUNTERS_LOG)
    if filters.start and filters.end:
        if filters.end < filters.start:
            raise ValidationError({"end": [_("The end is before the start.")]})
        if (filters.end - filters.start).days > MAX_RANGE_DAYS:
            raise ValidationError({"end": [_("Choose at most three years.")]})
    found = Encounter.objects.visible_to(user).filter(program=program)
    if filters.family:
        found = found.filter(family_links__family_id=filters.family)
    if filters.start:
        found = found.filter(occurred_at__gte=_day_start(filters.start))
    if filters.end:
        found = found.filter(occurred_at__lt=_day_start(filters.end + timedelta(days=1)))
    found = found.select_related("program").prefetch_related(
        "families",
        "mentors",
        "themes",
        Prefetch("supports", queryset=EncounterSupport.objects.order_by("support_type")),
    )
    page = audited_page(request, program, found.order_by("-occurred_at", "-id"), filters)
    return {"count": page["count"], "items": [_out(e, user) for e in page["items"]]}


def _when(value: datetime | None) -> datetime:
    when = value or timezone.now()
    if not 1900 < when.year < 9000:  # out of any time zone's range: a 400, not an overflow
        raise ValidationError({"occurred_at": [_("Enter a valid date/time.")]})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return timezone.localtime(when)


def _form_data(payload: EncounterIn) -> MultiValueDict[str, Any]:
    """The payload as the form's POST would carry it."""
    data: dict[str, list[Any]] = {
        "occurred_at": [_when(payload.occurred_at)],
        "duration_minutes": [payload.duration_minutes],
        "setting": [payload.setting],
        "mode": [payload.mode],
        "initiated_by": [payload.initiated_by],
        "families": list(payload.families),
        "mentors": list(payload.mentors),
        "caregivers": list(payload.caregivers),
        "children": list(payload.children),
        "support_types": list(payload.support_types),
        "themes": list(payload.themes),
        "notes": [payload.notes],
        "concern": [payload.concern],
        "concern_details": [payload.concern_details],
        "follow_up": [payload.follow_up],
        "follow_up_due": [payload.follow_up_due] if payload.follow_up_due else [],
    }
    if payload.interpreter_used:
        data["interpreter_used"] = ["on"]
    return MultiValueDict({k: v for k, v in data.items() if v})


@router.post("", response=answers(EncounterOut, 201), url_name="encounter_log")
def log(request: HttpRequest, payload: EncounterIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    program = api_program(request, payload.program, Cap.ENCOUNTERS_LOG)
    ensure_codebook(program)
    scoped: Any = request
    scoped.program = program
    form = EncounterForm(
        _form_data(payload),
        program=program,
        user=user,
        families=_families_for(scoped),
        services=_services(),
    )
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    created = encounter_create(program=program, data=_input(form, scoped), by=user, request=request)
    found = Encounter.objects.prefetch_related(
        "families",
        "mentors",
        "themes",
        Prefetch("supports", queryset=EncounterSupport.objects.order_by("support_type")),
    ).get(pk=created.pk)
    return 201, _out(found, user)
