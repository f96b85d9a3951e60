"""`/api/matching`: the waiting list and the matches of a program, read only, scoped as the
pages are (`kindred.programs.api_kit`) and audited as the same PHI reads.

- `GET /api/matching/waiting`: coordinators and supervisors (MATCHING_VIEW) — the families
  waiting for a match, overdue first, as the waiting list page (`language`, `zip` filters).
- `GET /api/matching/matches`: coordinators and supervisors every match of the program; a
  mentor (MATCH_SELF) their own matches from the offer on (`state` filter).

Referrers and evaluators: 403; another program's people: 404.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kindred.audit.log import record
from kindred.lib.languages import LANGUAGES
from kindred.matching.models import Match, MatchSettings
from kindred.matching.models.match import Status
from kindred.matching.waiting import waiting_families
from kindred.programs.api_kit import (
    PageQuery,
    RecordId,
    answers,
    api_program,
    audited_page,
    caller,
    one_of,
)
from kindred.programs.permissions import Cap

if TYPE_CHECKING:
    MatchState = str
    LanguageCode = str
else:
    MatchState = one_of(Status.values)
    LanguageCode = one_of(sorted({lang.code for lang in LANGUAGES}))

PREFIX = "matching"
router = Router(tags=["matching"])


class WaitingOut(Schema):
    family_id: int
    family_name: str
    languages: list[str]
    zip_code: str
    intake_id: int
    support_wanted: str
    waiting_since: datetime
    due_at: datetime
    hours_waited: int
    overdue: bool
    open_match_id: int | None
    open_match_state: str | None


class WaitingPage(Schema):
    count: int
    target_hours: int
    items: list[WaitingOut]


class WaitingFilters(PageQuery):
    program: RecordId | None = None
    language: LanguageCode | None = None
    zip: str | None = Field(None, pattern=r"^[0-9]{1,5}$")


class MatchOut(Schema):
    id: int
    program_id: int
    state: str
    mentor_id: int
    family_id: int
    score: int | None
    created_at: datetime
    offered_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    status_changed_at: datetime
    fit_check_due: date | None
    ends_on: date | None
    close_reason: str
    decline_reason: str

    @staticmethod
    def resolve_state(match: Match) -> str:
        return match.status


class MatchPage(Schema):
    count: int
    items: list[MatchOut]


class MatchFilters(PageQuery):
    program: RecordId | None = None
    state: MatchState | None = None


@router.get("/waiting", response=answers(WaitingPage), url_name="matching_waiting")
def waiting(request: HttpRequest, filters: Query[WaitingFilters]) -> dict:
    caller(request)
    program = api_program(request, filters.program, Cap.MATCHING_VIEW)
    rows = waiting_families(program, language=filters.language or "", zip_prefix=filters.zip or "")
    page = rows[filters.offset : filters.offset + filters.limit]
    record(
        action="matching.waiting.viewed",
        request=request,
        program=program,
        detail={"api": True, "offset": filters.offset, "shown": len(page)},
    )
    return {
        "count": len(rows),
        "target_hours": MatchSettings.for_program(program).target_hours,
        "items": [
            {
                "family_id": row.family.pk,
                "family_name": row.family.name,
                "languages": row.family.languages.split(),
                "zip_code": row.family.zip_code,
                "intake_id": row.intake.pk,
                "support_wanted": row.intake.support_wanted,
                "waiting_since": row.since,
                "due_at": row.due,
                "hours_waited": max(0, row.hours_waited),
                "overdue": row.overdue,
                "open_match_id": row.open_match.pk if row.open_match else None,
                "open_match_state": row.open_match.status if row.open_match else None,
            }
            for row in page
        ],
    }


@router.get("/matches", response=answers(MatchPage), url_name="matching_matches")
def matches(request: HttpRequest, filters: Query[MatchFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.MATCHING_VIEW, Cap.MATCH_SELF)
    found = Match.objects.visible_to(user).in_program(program)
    if filters.state:
        found = found.filter(status=filters.state)
    return audited_page(request, program, found.order_by("-created_at", "-pk"), filters)
