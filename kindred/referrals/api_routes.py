"""`/api/referrals`: list and read a program's referrals, send one, move its status — through
the same forms, services and state rules as the pages (so the API refuses what they refuse,
with the same messages), audited the same way."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kindred.audit.log import record
from kindred.programs.access import get_scoped_or_404, has_any_capability
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
from kindred.referrals.forms import ReferralForm, TransitionForm
from kindred.referrals.models import Referral
from kindred.referrals.services import referral_create, referral_move
from kindred.referrals.status import Status
from kindred.referrals.views import _programs_to_refer_to, _source_for

if TYPE_CHECKING:
    ReferralStatus = str
else:
    ReferralStatus = one_of(Status.values)

PREFIX = "referrals"
router = Router(tags=["referrals"])


class ReferralOut(Schema):
    id: int
    reference: str
    program_id: int
    family_id: int | None
    source: str
    status: str
    step: str
    status_reason: str
    urgency: str
    language: str
    reasons: list[str]
    received_at: datetime
    due_at: datetime
    first_contact_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    version: int


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


class ReferralFilters(PageQuery):
    program: RecordId | None = None
    status: ReferralStatus | None = None
    open: bool | None = None


class ReferralIn(Schema):
    """What the referrer's one-minute form asks (`conditions`: condition ids of the program)."""

    program: RecordId
    caregiver_first_name: str
    caregiver_last_name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "en"
    child_first_name: str = ""
    child_birth_date: date | None = None
    child_age_years: int | None = Field(None, ge=0, le=30)
    conditions: list[RecordId] = []
    other_condition: str = ""
    reasons: list[str] = []
    looking_for: str = ""
    urgency: str = "routine"
    consent_to_contact: bool
    consent_obtained_by: str
    consent_method: str
    share_status_with_referrer: bool = False
    notify_referrer: bool = True
    referrer_role: str = ""
    referrer_department: str = ""


class MoveIn(Schema):
    to: ReferralStatus
    reason: str = ""
    note: str = ""


def _out(referral: Referral) -> Referral:
    referral.reference  # noqa: B018 — a property the schema reads
    return referral


def _refuse(form: forms.Form) -> ValidationError:
    """A 400 carrying the form's own messages, field by field (the handler in kindred/api.py
    turns a Django ValidationError into `{"detail", "errors"}`)."""
    return ValidationError({k: list(v) for k, v in form.errors.items()})


@router.get("", response=answers(ReferralPage), url_name="referral_list")
def referrals(request: HttpRequest, filters: Query[ReferralFilters]) -> dict:
    user = caller(request)
    program = api_program(request, filters.program, Cap.REFERRALS_VIEW)
    found = Referral.objects.visible_to(user).in_program(program)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.open is not None:
        found = found.open() if filters.open else found.exclude(pk__in=found.open().values("pk"))
    return audited_page(request, program, found.order_by("-received_at", "-pk"), filters)


@router.get("/{referral_id}", response=answers(ReferralOut), url_name="referral_detail")
def referral(request: HttpRequest, referral_id: int = id_path()) -> Referral:
    caller(request)
    found = get_scoped_or_404(request, Referral.objects.all(), referral_id)
    record(action="referrals.referral.viewed", request=request, obj=found, detail={"api": True})
    return _out(found)


@router.post("", response=answers(ReferralOut, 201), url_name="referral_send")
def send(request: HttpRequest, payload: ReferralIn) -> tuple[int, Referral]:
    user = caller(request)
    if not has_any_capability(user, Cap.REFERRALS_CREATE):
        raise PermissionDenied
    form = ReferralForm(payload.dict(), programs=_programs_to_refer_to(user))
    if not form.is_valid():
        raise _refuse(form)
    program = form.cleaned_data["program"]
    data = form.cleaned_data
    created = referral_create(
        program=program,
        family=form.referred_family(),
        source=_source_for(user, program),
        by=user,
        consent_to_contact=data["consent_to_contact"],
        consent_obtained_by=data["consent_obtained_by"],
        consent_method=data["consent_method"],
        share_status_with_referrer=data["share_status_with_referrer"],
        notify_referrer=data["notify_referrer"],
        reasons=data["reasons"],
        looking_for=data["looking_for"],
        urgency=data["urgency"],
        referrer_role=data["referrer_role"],
        referrer_department=data["referrer_department"],
        request=request,
    )
    return 201, _out(created)


@router.post("/{referral_id}/status", response=answers(ReferralOut), url_name="referral_move")
def move(request: HttpRequest, payload: MoveIn, referral_id: int = id_path()) -> Referral:
    user = caller(request)
    with transaction.atomic():
        found = get_scoped_or_404(
            request,
            Referral.objects.select_for_update(of=("self",)),
            referral_id,
            capability=Cap.REFERRALS_MANAGE,
        )
        form = TransitionForm(payload.dict(), referral=found)
        if not form.is_valid():
            raise _refuse(form)
        # A move the state rules refuse is a TransitionError: a 400 with its message.
        referral_move(
            referral=found,
            to=form.cleaned_data["to"],
            by=user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            request=request,
        )
    return _out(found)
