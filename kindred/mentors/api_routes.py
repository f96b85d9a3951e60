"""`/api/mentors`: a program's mentors for its staff (read only; a mentor reads their own)."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kindred.audit.log import record
from kindred.mentors.models import Mentor
from kindred.programs.access import get_scoped_or_404
from kindred.programs.api_kit import (
    PageQuery,
    RecordId,
    answers,
    api_program,
    audited_page,
    caller,
    id_path,
    one_of,
)
from kindred.programs.permissions import Cap

if TYPE_CHECKING:
    MentorStatus = str
else:
    MentorStatus = one_of(Mentor.Status.values)

PREFIX = "mentors"
router = Router(tags=["mentors"])


class MentorOut(Schema):
    id: int
    program_id: int
    full_name: str
    email: str
    phone: str
    preferred_language: str
    languages: list[str]
    status: str
    experience_year: int | None
    max_families: int
    created_at: datetime


class MentorPage(Schema):
    count: int
    items: list[MentorOut]


class MentorFilters(PageQuery):
    program: RecordId | None = None
    status: MentorStatus | None = None


@router.get("", response=answers(MentorPage), url_name="mentor_list")
def mentors(request: HttpRequest, filters: Query[MentorFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.MENTORS_VIEW, Cap.MENTOR_SELF)
    found = Mentor.objects.visible_to(user).in_program(program)
    if filters.status:
        found = found.filter(status=filters.status)
    return audited_page(request, program, found.order_by("full_name", "pk"), filters)


@router.get("/{mentor_id}", response=answers(MentorOut), url_name="mentor_detail")
def mentor(request: HttpRequest, mentor_id: int = id_path()) -> Mentor:
    caller(request)
    found = get_scoped_or_404(request, Mentor.objects.all(), mentor_id)
    record(action="mentors.mentor.viewed", request=request, obj=found, detail={"api": True})
    return found
