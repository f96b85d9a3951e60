"""Pages of program staff and referrers. The public self-referral page is in public.py."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.requests import SignedInRequest
from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.lib.spreadsheets import csv_response
from kindred.programs.access import (
    ProgramRequest,
    capabilities,
    deny,
    has_any_capability,
    has_capability,
    program_ids_with,
    program_required,
)
from kindred.programs.models import Program
from kindred.programs.permissions import Cap
from kindred.referrals import dashboard as numbers
from kindred.referrals.access import get_referral_for, get_sent_referral_for
from kindred.referrals.forms import (
    ContactAttemptForm,
    DashboardFilterForm,
    IntakeForm,
    ReferralForm,
    ReferralSettingsForm,
    StepForm,
    TransitionForm,
)
from kindred.referrals.models import (
    ContactAttempt,
    Intake,
    Notification,
    Referral,
    ReferralReason,
    ReferralSettings,
    ReferrerRole,
    Source,
)
from kindred.referrals.notifications import forget_unread, link_for, text_for
from kindred.referrals.services import referral_create, referral_move, referrer_may_see_status
from kindred.referrals.status import Reason, Status, Step

PAGE_SIZE = 50
# The deadline badge of a queue row, in words (never colour alone).
BADGES = {
    "overdue": gettext_lazy("Overdue"),
    "due-soon": gettext_lazy("Due soon"),
    "contacted": gettext_lazy("Contacted"),
    "closed": gettext_lazy("Closed"),
    "on-time": gettext_lazy("On time"),
}


def _programs_to_refer_to(user: Any) -> Any:
    """Any active program that accepts outside referrals, and the user's own programs."""
    own = program_ids_with(user, Cap.REFERRALS_CREATE)
    return Program.objects.filter(
        Q(pk__in=own) | Q(accepts_outside_referrals=True), is_active=True
    ).order_by("name")


def _source_for(user: Any, program: Program) -> str:
    """Inside the program's organization: a referrer; outside it: a partner organization."""
    mine = set(capabilities(user))
    same_org = Program.objects.filter(pk__in=mine, organization_id=program.organization_id)
    return Source.REFERRER if program.pk in mine or same_org.exists() else Source.PARTNER


def _require_any(request: HttpRequest, *caps: str) -> None:
    """The referrer's pages span programs: one of `caps` in any program, else refused (403 for
    a member of some program, 404 for anyone else), the refusal audited (`deny`)."""
    if not any(has_any_capability(request.user, cap) for cap in caps):
        deny(request, object_type="referrals.referral", object_id=None, capability=" | ".join(caps))
        if capabilities(request.user):
            raise PermissionDenied
        raise Http404


# --- The referrer ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _require_any(request, Cap.REFERRALS_CREATE)
    user = request.user
    initial = {"consent_obtained_by": user.full_name}  # type: ignore[union-attr]
    form = ReferralForm(request.POST or None, programs=_programs_to_refer_to(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
        try:
            referral = referral_create(
                program=program,
                family=form.referred_family(),
                source=_source_for(user, program),
                by=user,
                consent_to_contact=form.cleaned_data["consent_to_contact"],
                consent_obtained_by=form.cleaned_data["consent_obtained_by"],
                consent_method=form.cleaned_data["consent_method"],
                share_status_with_referrer=form.cleaned_data["share_status_with_referrer"],
                notify_referrer=form.cleaned_data["notify_referrer"],
                reasons=form.cleaned_data["reasons"],
                looking_for=form.cleaned_data["looking_for"],
                urgency=form.cleaned_data["urgency"],
                referrer_role=form.cleaned_data["referrer_role"],
                referrer_department=form.cleaned_data["referrer_department"],
                referrer_reference=form.cleaned_data["referrer_reference"],
                request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Referral %(ref)s sent to %(program)s. Thank you: they aim to contact the family within %(hours)s hours."
                )
                % {
                    "ref": referral.reference,
                    "program": program.name,
                    "hours": program.first_contact_target_hours,
                },
            )
            return redirect("referrals:sent")
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "family_fields": [
                "caregiver_first_name",
                "caregiver_last_name",
                "phone",
                "email",
                "language",
                "child_first_name",
                "child_birth_date",
                "child_age_years",
            ],
            "request_fields": ["reasons", "looking_for", "urgency"],
            "consent_fields": [
                "consent_to_contact",
                "consent_obtained_by",
                "consent_method",
                "share_status_with_referrer",
                "notify_referrer",
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def _field_of(error: TransitionError, fields: dict[str, str]) -> str | None:
    """The form field a refused move is about (by its code), or None for the whole form."""
    return fields.get(str(error.code))


@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """A referrer's own referrals: status and dates, never notes."""
    _require_any(request, Cap.REFERRALS_CREATE, Cap.REFERRALS_VIEW_OWN)
    qs = (
        Referral.sent.visible_to(request.user)
        .select_related("program")
        .only(
            "id",
            "program__name",
            "status",
            "received_at",
            "first_contact_at",
            "supported_at",
            "closed_at",
            "share_status_with_referrer",
            "family_id",
            "referred_by_id",
            "as_referred",
            "referrer_reference",
        )
        .order_by("-received_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _referrer_rows(list(page.object_list))
    record(
        action="referrals.referral.listed_sent",
        request=request,
        object_type="referrals.referral",
        detail={"count": len(rows)},
    )
    return render(request, "referrals/sent.html", {"page": page, "rows": rows})


def _referrer_rows(referrals: list[Referral]) -> list[dict[str, Any]]:
    """What a referrer may see of each referral: status and dates only while the family
    consents to it; otherwise only that it was received."""
    from kindred.families.consent import Scope, with_consent
    from kindred.families.models import Family

    asked = {r.family_id for r in referrals if r.share_status_with_referrer}
    consenting = (
        set(
            with_consent(Family.objects.filter(pk__in=asked), Scope.SHARE_STATUS_WITH_REFERRER)
            .filter(status__in=[Family.Status.ACTIVE, Family.Status.CLOSED])
            .values_list("pk", flat=True)
        )
        if asked
        else set()
    )
    rows = []
    for r in referrals:
        shared = r.share_status_with_referrer and r.family_id in consenting
        rows.append({"referral": r, "shared": shared})
    return rows


@login_required
@require_GET
def sent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_sent_referral_for(request, pk)
    context = sent_detail_context(referral, request)
    record(
        action="referrals.referral.viewed_as_referrer",
        request=request,
        obj=referral,
        fields=["status", "received_at", "first_contact_at", "supported_at", "closed_at"]
        if context["shared"]
        else ["received_at"],
    )
    return render(request, "referrals/sent_detail.html", context)


def sent_detail_context(referral: Referral, request: HttpRequest, **forms: Any) -> dict[str, Any]:
    from kindred.referrals.forms import AdditionForm

    return {
        "referral": referral,
        "shared": referrer_may_see_status(referral),
        # The referrer's own additions only (another referrer's never reach this page).
        "additions": list(referral.additions.filter(by_id=request.user.pk)),
        "add_form": forms.get("add_form") or AdditionForm(prefix="add"),
    }


# --- Program staff ---------------------------------------------------------------------------


@program_required(Cap.REFERRALS_VIEW)
@require_GET
def queue(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    show = request.GET.get("show", "open")
    if show not in {"open", "all", *Status.values}:
        show = "open"
    owner = request.GET.get("owner", "")
    if owner not in {"", "mine", "unassigned"}:
        owner = ""
    today = timezone.localdate()
    page = Paginator(
        numbers.queue(program, show=show, owner=owner, user=request.user, today=today),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # Called back today: the referrals whose next attempt is due, above the rest (page 1).
    due = (
        list(numbers.attempts_due(program, today=today, owner=owner, user=request.user))
        if page.number == 1 and show in ("open", "all")
        else []
    )
    now = timezone.now()
    labels = {
        key: ("ok" if key == "contacted" else key, str(label)) for key, label in BADGES.items()
    }
    rows = [(r, labels[r.urgency_badge(now)]) for r in page.object_list]
    due_rows = [(r, labels[r.urgency_badge(now)]) for r in due]
    record(
        action="referrals.referral.listed",
        request=request,
        program=program,
        object_type="referrals.referral",
        fields=["family", "status", "due_at", "urgency", "language", "conditions"],
        detail={"count": len(rows) + len(due_rows)},
    )
    return render(
        request,
        "referrals/queue.html",
        {
            "program": program,
            "page": page,
            "rows": rows,
            "due_rows": due_rows,
            "show": show,
            "owner": owner,
            "query": f"show={show}&owner={owner}",
            "counts": numbers.queue_counts(program, now),
            "statuses": Status.choices,
            "can_manage": has_capability(request.user, program, Cap.REFERRALS_MANAGE),
            "language": get_language() or "en",
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk)
    record(
        action="referrals.referral.viewed",
        request=request,
        obj=referral,
        fields=["family", "looking_for", "reasons", "status", "contact_attempts", "transitions"],
    )
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _detail_context(request: HttpRequest, referral: Referral, **forms: Any) -> dict[str, Any]:
    settings = ReferralSettings.for_program(referral.program)
    attempts = list(referral.contact_attempts.select_related("by"))
    failed = sum(1 for a in attempts if a.outcome != ContactAttempt.Outcome.REACHED)
    can_manage = has_capability(request.user, referral.program_id, Cap.REFERRALS_MANAGE)
    intake = Intake.objects.filter(referral=referral).first()
    from kindred.referrals.access import staff_of
    from kindred.referrals.forms import OwnerForm
    from kindred.referrals.linked import differences

    language = get_language() or "en"
    may_accept = can_manage and referral.status == Status.REQUESTED
    return {
        "conditions": [c.label_for(language) for c in referral.conditions.all()],
        "additions": list(referral.additions.select_related("by")),
        "differences": differences(referral) if can_manage else [],
        "owner_form": forms.get("owner_form")
        or OwnerForm(
            staff=staff_of(referral.program_id),
            prefix="owner",
            initial={"owner": referral.owner_id},
        ),
        "first_contact_rule": settings.get_first_contact_display(),
        "referral": referral,
        "family": referral.family,
        "attempts": attempts,
        "transitions": list(referral.transitions.select_related("by")),
        "intake": intake,
        "failed_attempts": failed,
        "suggest_unable_to_reach": referral.is_open and failed >= settings.unable_to_reach_after,
        "unable_to_reach_after": settings.unable_to_reach_after,
        "can_manage": can_manage,
        "reason_labels": dict(Reason.choices),
        "reasons": [str(dict(ReferralReason.choices).get(c, c)) for c in referral.reasons],
        "attempt_form": forms.get("attempt_form")
        or ContactAttemptForm(prefix="attempt", may_accept=may_accept),
        "transition_form": forms.get("transition_form")
        or TransitionForm(referral=referral, prefix="status"),
        "step_form": forms.get("step_form") or StepForm(prefix="step"),
        "badge": referral.urgency_badge(),
        "conference_form": forms.get("conference_form") or _conference_form(request, referral),
        "duplicates": list(referral.duplicates.only("id")),
    }


def _conference_form(request: HttpRequest, referral: Referral) -> Any:
    from kindred.referrals.forms import AgendaForm, next_meeting

    if not has_capability(request.user, referral.program_id, Cap.CASE_CONFERENCE):
        return None
    return AgendaForm(prefix="conference", initial={"meeting_on": next_meeting()})


@login_required
@require_POST
def contact_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """An attempt; "Reached the family" with "accept" also accepts the referral (state kit),
    both in one transaction or neither."""
    from django.db import transaction as db

    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    form = ContactAttemptForm(
        request.POST, prefix="attempt", may_accept=referral.status == Status.REQUESTED
    )
    if form.is_valid():
        accept = form.cleaned_data.get("accept", False)
        try:
            with db.atomic():
                referral.log_contact_attempt(
                    by=request.user,
                    method=form.cleaned_data["method"],
                    outcome=form.cleaned_data["outcome"],
                    at=form.cleaned_data["at"],
                    note=form.cleaned_data["note"],
                    next_attempt_on=form.cleaned_data["next_attempt_on"],
                    request=request,
                )
                if accept:
                    referral_move(
                        referral=referral, to=Status.ACCEPTED, by=request.user, request=request
                    )
        except ValidationError as exc:  # a TransitionError, or the attempt's own validation
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Contact attempt saved; the referral is accepted.")
                if accept
                else _("Contact attempt saved."),
            )
            return redirect("referrals:detail", pk=referral.pk)
    referral.refresh_from_db()
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, attempt_form=form),
        status=400,
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    form = TransitionForm(request.POST, referral=referral, prefix="status")
    if form.is_valid():
        try:
            referral_move(
                referral=referral,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except TransitionError as error:
            form.add_error(
                _field_of(error, {"reason_required": "reason", "invalid_reason": "reason"}), error
            )
        else:
            messages.success(
                request,
                _("The referral is now: %(status)s.") % {"status": referral.get_status_display()},
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, transition_form=form),
        status=400,
    )


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    form = StepForm(request.POST, prefix="step")
    if form.is_valid():
        try:
            referral.change_step(
                step=form.cleaned_data["step"],
                by=request.user,
                note=form.cleaned_data["note"],
                referred_out_to=form.cleaned_data["referred_out_to"],
                service=form.cleaned_data["service"],
                request=request,
            )
        except TransitionError as error:
            form.add_error(_field_of(error, {"resource_required": "referred_out_to"}), error)
        else:
            messages.success(
                request, _("Step saved: %(step)s.") % {"step": referral.get_step_display()}
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, step_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: SignedInRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request, pk, capability=Cap.REFERRALS_MANAGE)
    existing = Intake.objects.filter(referral=referral).first()
    form = IntakeForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        with transaction.atomic():
            item = form.save(commit=False)
            item.referral = referral
            item.done_by = request.user
            item.done_at = timezone.now()
            item.save()
            record(
                action="referrals.intake.changed" if existing else "referrals.intake.created",
                request=request,
                program=referral.program_id,
                obj=item,
                fields=[*form.changed_data] or ["criteria"],
                detail={"referral": referral.pk},
            )
            # Read on the locked row: a step changed meanwhile is not moved back.
            with referral.locked():
                if referral.status == Status.IN_PROGRESS and referral.step in ("", Step.CONTACTING):
                    referral.change_step(step=Step.INTAKE_DONE, by=request.user, request=request)
        messages.success(request, _("Intake saved."))
        return redirect("referrals:detail", pk=referral.pk)
    if request.method == "GET" and existing:
        record(
            action="referrals.intake.viewed",
            request=request,
            program=referral.program_id,
            obj=existing,
        )
    return render(
        request,
        "referrals/intake.html",
        {"referral": referral, "form": form},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.REFERRALS_MANAGE)
@require_http_methods(["GET", "POST"])
def settings_edit(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    instance = ReferralSettings.for_program(program)
    form = ReferralSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            action="referrals.referralsettings.changed",
            request=request,
            program=program,
            obj=form.instance,
            fields=form.changed_data,
        )
        messages.success(request, _("Referral settings saved."))
        return redirect("referrals:settings")
    return render(
        request,
        "referrals/settings.html",
        {"form": form, "program": program},
        status=400 if form.is_bound else 200,
    )


# --- Numbers ----------------------------------------------------------------------------------


def _dashboard_data(request: ProgramRequest) -> tuple[DashboardFilterForm, dict[str, Any] | None]:
    """The filter form and the numbers; no numbers when the filter is invalid."""
    program: Program = request.program
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    start, end = (
        (form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_bound else (None, None)
    )
    return form, numbers.numbers(program, start, end)


def _dashboard_page(
    request: ProgramRequest, form: DashboardFilterForm, data: dict[str, Any] | None
) -> HttpResponse:
    roles, statuses = dict(ReferrerRole.choices), dict(Status.choices)
    reasons = dict(Reason.choices)
    return render(
        request,
        "referrals/dashboard.html",
        {
            "program": request.program,
            "form": form,
            "data": data,
            "sources": [(label, data["by_source"].get(value, 0)) for value, label in Source.choices]
            if data
            else [],
            # Labelled here, once per row: a lookup loop in the template per row cost more
            # than the numbers (bench/bench_referrals.py).
            "roles": [(roles.get(row["referrer_role"], ""), row["n"]) for row in data["by_role"]]
            if data
            else [],
            "reasons": [
                (statuses.get(row["status"], ""), reasons.get(row["status_reason"], ""), row["n"])
                for row in data["reasons"]
            ]
            if data
            else [],
            "query": request.GET.urlencode(),
        },
        # Invalid dates: the form again with its errors, no numbers.
        status=200 if data is not None else 400,
    )


@program_required(Cap.REFERRALS_DASHBOARD)
@require_GET
def dashboard(request: ProgramRequest) -> HttpResponse:
    form, data = _dashboard_data(request)
    return _dashboard_page(request, form, data)


@program_required(Cap.REFERRALS_DASHBOARD)
@require_GET
def dashboard_csv(request: ProgramRequest) -> HttpResponse:
    form, data = _dashboard_data(request)
    if data is None:
        return _dashboard_page(request, form, data)
    program: Program = request.program
    rows: list[tuple[str, str, Any]] = []
    for key in ("referred", "contacted", "supported", "active", "within_target"):
        rows.append(("funnel", key, data[key]))
    rows.append(("first_contact", "median_hours", _round(data["median_hours"])))
    rows.append(("first_contact", "p90_hours", _round(data["p90_hours"])))
    rows.append(("first_contact", "within_target_pct", data["within_target_pct"]))
    rows.append(("first_contact", "missed_uncontacted", data["missed_uncontacted"]))
    for value, _label in Source.choices:
        rows.append(("source", value, data["by_source"].get(value, 0)))
    for row in data["by_role"]:
        rows.append(("referrer_role", row["referrer_role"], row["n"]))
    for row in data["by_department"]:
        rows.append(("department", row["department"], row["n"]))
    for row in data["reasons"]:
        rows.append((f"reason_{row['status']}", row["status_reason"], row["n"]))
    record(
        action="referrals.dashboard.exported",
        request=request,
        program=program,
        detail={"rows": len(rows)},
    )
    return csv_response(f"referrals-{program.slug}.csv", ["group", "key", "value"], rows)


def _round(value: float | None) -> Any:
    return round(value, 1) if value is not None else ""


# --- Notifications ----------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request: SignedInRequest) -> HttpResponse:
    items = list(
        Notification.objects.filter(recipient=request.user).select_related("referral")[:100]
    )
    rows = [{"n": n, "text": text_for(n), "link": link_for(n)} for n in items]
    return render(request, "referrals/notifications.html", {"rows": rows})


@login_required
@require_POST
def notifications_read(request: SignedInRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread([request.user.pk])
    messages.success(request, _("All notifications marked as read."))
    return redirect("referrals:notifications")
