"""What the public reaches without signing in: a program's published groups, a group's page
where a family registers themselves (English and Spanish), and the secret calendar links.

The registration form is protected like the public self-referral: a honeypot (answered like a
success, nothing saved), a per-address hourly limit counted from the audit log, and a one-time
submission key (kindred.lib.idempotency): one submission is one registration.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kindred.audit.log import record
from kindred.audit.throttle import address_over_limit
from kindred.families.consent import Scope, consent_record
from kindred.families.duplicates import find_likely_duplicates
from kindred.families.inputs import CaregiverInput, ConsentInput, FamilyInput
from kindred.families.models import Consent, Family
from kindred.families.services import family_create
from kindred.groups.feeds import calendar_for, feed_by_token, groups_of_feed
from kindred.groups.forms import PublicRegistrationForm
from kindred.groups.models import Registration, SupportGroup
from kindred.groups.schedule import next_occurrences, occurrences
from kindred.groups.services import registration_create
from kindred.programs.models import Program

ACTIONS = ("groups.registration.self_submitted", "groups.registration.self_refused")
LAST_KEY = "groups_self_registration"


def _language() -> str:
    return (get_language() or "en")[:2]


def _program(slug: str) -> Program:
    program = Program.objects.filter(slug=slug, is_active=True).first()
    if program is None:
        raise Http404
    return program


def _group(program: Program, pk: int) -> SupportGroup:
    group = SupportGroup.objects.published().filter(program=program, pk=pk).first()
    if group is None:
        raise Http404
    return group


@require_GET
def public_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(slug)
    groups = list(SupportGroup.objects.published().filter(program=program).order_by("name", "id"))
    return render(
        request,
        "groups/public_list.html",
        {
            "program": program,
            "rows": [{"group": g, "next": next_occurrences(g, 1)} for g in groups],
            "language": _language(),
        },
    )


def _family_for(program: Program, form: PublicRegistrationForm) -> Family:
    """The family of a public registration: the one already known by phone or e-mail (its
    consents added), else a new record with its consents."""
    data = form.cleaned_data
    name = f"{data['first_name']} {data['last_name']}".strip()
    found = find_likely_duplicates(
        program=program, caregiver_name=name, phone=data["phone"], email=data["email"]
    )
    note = _("The family, on the public group page")
    if found:
        family = found[0]
        if family.status != Family.Status.ACTIVE:
            family.transition(to=Family.Status.ACTIVE, by=None, note=note)
        for scope in (Scope.CONTACT, Scope.GROUPS):
            consent_record(
                family=family,
                scope=scope,
                decision=Consent.Decision.GRANTED,
                method=Consent.Method.ELECTRONIC,
                by=None,
                note=note,
            )
        return family
    return family_create(
        program=program,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    relationship="parent",
                    phone=data["phone"],
                    email=data["email"],
                    preferred_language=data["preferred_language"],
                )
            ],
            consents=[
                ConsentInput(scope=scope, method="electronic", note=note)
                for scope in (Scope.CONTACT, Scope.GROUPS)
            ],
        ),
        by=None,
    )


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program(slug)
    group = _group(program, pk)
    request.no_store = True  # type: ignore[attr-defined]  # a shared computer at a clinic
    form = PublicRegistrationForm(request.POST or None)
    throttled = False
    if request.method == "POST":
        digest = form.submission_digest()
        if digest and Registration.objects.filter(submission_key=digest).exists():
            return redirect("groups:public_thanks", slug=slug, pk=group.pk)
        if address_over_limit(
            request, actions=ACTIONS, limit=settings.GROUPS_SELF_REGISTRATIONS_PER_ADDRESS_PER_HOUR
        ):
            throttled = True
        elif form.is_bot():
            record(
                action="groups.registration.self_refused",
                request=request,
                program=program,
                detail={"why": "honeypot"},
            )
            return redirect("groups:public_thanks", slug=slug, pk=group.pk)
        elif form.is_valid():
            digest = form.cleaned_data["submission_key"]
            try:
                with transaction.atomic():
                    family = _family_for(program, form)
                    registration = registration_create(
                        group=group,
                        family=family,
                        by=None,
                        channel=Registration.Channel.SELF,
                        request=request,
                        submission_key=digest,
                    )
                    record(
                        action="groups.registration.self_submitted",
                        request=request,
                        program=program,
                    )
            except IntegrityError:
                if not Registration.objects.filter(submission_key=digest).exists():
                    raise
                return redirect("groups:public_thanks", slug=slug, pk=group.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session[LAST_KEY] = registration.status
                return redirect("groups:public_thanks", slug=slug, pk=group.pk)
        if not form.submission_digest():
            form.renew_submission_key()
    return render(
        request,
        "groups/public_detail.html",
        {
            "program": program,
            "group": group,
            "upcoming": next_occurrences(group, 4),
            "conditions": list(group.conditions.all()),
            "form": form,
            "throttled": throttled,
            "language": _language(),
        },
        status=429 if throttled else (400 if form.is_bound else 200),
    )


@require_GET
def public_thanks(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program(slug)
    group = _group(program, pk)
    request.no_store = True  # type: ignore[attr-defined]
    return render(
        request,
        "groups/public_thanks.html",
        {
            "program": program,
            "group": group,
            "waitlisted": request.session.get(LAST_KEY) == Registration.Status.WAITLISTED,
            "language": _language(),
        },
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A secret calendar link (.ics), for a calendar application to subscribe to."""
    found = feed_by_token(token)
    if found is None:
        raise Http404
    groups, with_video = groups_of_feed(found)
    body = calendar_for(groups, _language(), with_video=with_video, name=found.program.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def family_page(request: HttpRequest, token: str) -> HttpResponse:
    """A family's own page of sessions (the link in their e-mails), video links included."""
    found = feed_by_token(token)
    if found is None or not found.family_id:
        raise Http404
    request.no_store = True  # type: ignore[attr-defined]
    groups, _with_video = groups_of_feed(found)
    now = timezone.now()
    upcoming = occurrences(list(groups), now - timedelta(hours=2), now + timedelta(days=92))
    return render(
        request,
        "groups/family_page.html",
        {
            "program": found.program,
            "occurrences": upcoming,
            "token": token,
            "language": _language(),
        },
    )
