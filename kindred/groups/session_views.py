"""One meeting of a group: its page, its details and exceptions, attendance on a phone, its .ics."""

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families.consent import Scope, with_consent
from kindred.families.models import Family
from kindred.groups.access import can_run, get_group_for, get_occurrence, get_runnable_group_for
from kindred.groups.feeds import session_calendar
from kindred.groups.forms import CancelForm, GuestsForm, SessionForm, WalkInForm
from kindred.groups.models import Attendance, GroupSession, Registration, SupportGroup
from kindred.groups.schedule import session_for
from kindred.groups.services import attendance_mark, session_cancel, session_save
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap


def _language() -> str:
    return (get_language() or "en")[:2]


@program_required(Cap.GROUPS_VIEW)
def session_detail(request: ProgramRequest, pk: int, key: str) -> HttpResponse:
    group = get_group_for(request, pk)
    occurrence = get_occurrence(group, key)
    return render(
        request,
        "groups/session.html",
        {
            "group": group,
            "o": occurrence,
            "language": _language(),
            "can_run": can_run(request.user, group),
            "can_manage": has_capability(request.user, group.program_id, Cap.GROUPS_MANAGE),
            "cancel_form": CancelForm(),
        },
    )


@program_required(Cap.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def session_edit(request: ProgramRequest, pk: int, key: str) -> HttpResponse:
    group = get_runnable_group_for(request, pk)
    occurrence = get_occurrence(group, key)
    instance = occurrence.session or GroupSession(
        group=group, **{n: getattr(group, n) for n in GroupSession.PRACTICAL_FIELDS}
    )
    form = SessionForm(request.POST or None, instance=instance, occurrence=occurrence)
    if request.method == "POST" and form.is_valid():
        try:
            session_save(
                occurrence=occurrence, values=form.values(), by=request.user, request=request
            )
        except ValidationError as exc:  # a TransitionError, or the session's own checks
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Session saved."))
            return redirect("groups:session", pk=group.pk, key=occurrence.key)
    return render(
        request,
        "groups/session_form.html",
        {"group": group, "o": occurrence, "form": form},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.GROUPS_VIEW)
@require_POST
def session_cancel_view(request: ProgramRequest, pk: int, key: str) -> HttpResponse:
    group = get_group_for(request, pk, capability=Cap.GROUPS_MANAGE)
    occurrence = get_occurrence(group, key)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            session_cancel(
                occurrence=occurrence,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except TransitionError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request, _("Session cancelled. Registered families will get no reminder.")
            )
            return redirect("groups:session", pk=group.pk, key=occurrence.key)
    return render(
        request,
        "groups/session.html",
        {
            "group": group,
            "o": occurrence,
            "language": _language(),
            "can_run": True,
            "can_manage": True,
            "cancel_form": form,
        },
        status=400,
    )


def _roster(group: SupportGroup, session: GroupSession | None) -> list[dict[str, Any]]:
    """Registered families and walk-ins, each with whether they came."""
    marks = {a.family_id: a for a in (list(session.attendance.all()) if session else [])}
    registered = list(
        Registration.objects.filter(group=group, status=Registration.Status.REGISTERED)
        .select_related("family")
        .order_by("family__sort_name", "id")
    )
    rows = [
        {"family": r.family, "mark": marks.pop(r.family_id, None), "walk_in": False}
        for r in registered
    ]
    if marks:
        for family in Family.objects.filter(pk__in=marks).order_by("sort_name", "id"):
            rows.append({"family": family, "mark": marks[family.pk], "walk_in": True})
    return rows


def _walk_in_choices(
    request: ProgramRequest, group: SupportGroup, rows: list[dict[str, Any]]
) -> list[tuple[int, str]]:
    shown = [row["family"].pk for row in rows]
    families = Family.objects.visible_to(request.user).filter(
        program=group.program, status="active"
    )
    families = with_consent(families, Scope.GROUPS).exclude(pk__in=shown)
    return list(families.order_by("sort_name", "id").values_list("pk", "name")[:1000])


@program_required(Cap.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def attendance(request: ProgramRequest, pk: int, key: str) -> HttpResponse:
    """The roster on a phone: one tap per family; walk-ins added; guests counted."""
    group = get_runnable_group_for(request, pk)
    occurrence = get_occurrence(group, key)
    status = 200
    walk_in_form = None
    guests_form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("present", "absent"):
                family = _family_of(request, group)
                attendance_mark(
                    occurrence=occurrence,
                    family=family,
                    present=action == "present",
                    by=request.user,
                    request=request,
                )
                return redirect(f"{request.path}#family-{family.pk}")
            if action == "walk_in":
                rows = _roster(group, occurrence.session)
                walk_in_form = WalkInForm(
                    request.POST, families=_walk_in_choices(request, group, rows)
                )
                if walk_in_form.is_valid():
                    family = Family.objects.get(pk=int(walk_in_form.cleaned_data["family"]))
                    attendance_mark(
                        occurrence=occurrence,
                        family=family,
                        present=True,
                        by=request.user,
                        request=request,
                    )
                    messages.success(request, _("%(f)s added as a walk-in.") % {"f": family})
                    return redirect(request.path)
                status = 400
            elif action == "guests":
                guests_form = GuestsForm(request.POST)
                if guests_form.is_valid():
                    session = session_for(occurrence)
                    GroupSession.objects.filter(pk=session.pk).update(
                        walk_in_guests=guests_form.cleaned_data["walk_in_guests"]
                    )
                    record(
                        action="groups.groupsession.guests_counted",
                        request=request,
                        obj=session,
                        fields=["walk_in_guests"],
                    )
                    return redirect(request.path)
                status = 400
            else:
                status = 400
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
    shown = occurrence.session
    rows = _roster(group, shown)
    record(
        action="groups.attendance.viewed",
        request=request,
        program=group.program_id,
        object_type="groups.supportgroup",
        object_id=group.pk,
    )
    return render(
        request,
        "groups/attendance.html",
        {
            "group": group,
            "o": occurrence,
            "rows": rows,
            "present_count": sum(1 for r in rows if r["mark"] and r["mark"].present),
            "walk_in_form": walk_in_form
            or WalkInForm(families=_walk_in_choices(request, group, rows)),
            "guests_form": guests_form
            or GuestsForm(initial={"walk_in_guests": shown.walk_in_guests if shown else 0}),
            "note": _note_link(request, group, shown),
        },
        status=status,
    )


def _note_link(request: ProgramRequest, group: SupportGroup, session: GroupSession | None) -> str:
    """ "write" or "edit" the session's note (an encounter: kindred.encounters, above groups,
    found by name), once attendance was taken; "" when there is none to offer."""
    if (
        session is None
        or session.attendance_taken_at is None
        or not apps.is_installed("kindred.encounters")
        or not has_capability(request.user, group.program_id, Cap.ENCOUNTERS_LOG)
    ):
        return ""
    encounter = apps.get_model("encounters", "Encounter")
    written = encounter.objects.filter(group_session=session, entered_in_error=False).exists()
    return "edit" if written else "write"


def _family_of(request: ProgramRequest, group: SupportGroup) -> Family:
    """The family tapped: one on the roster or already marked, of this group's program."""
    try:
        family_id = int(request.POST.get("family", ""))
    except ValueError:
        raise Http404 from None
    family = Family.objects.filter(pk=family_id, program=group.program).first()
    if family is None:
        raise Http404
    known = Registration.objects.filter(
        group=group, family=family, status="registered"
    ).exists() or (Attendance.objects.filter(Q(session__group=group), family=family).exists())
    if not known:
        raise Http404
    return family


@require_GET
def session_ics(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A published group's meeting as an .ics (no video link: this one may be passed around)."""
    group = SupportGroup.objects.published().filter(pk=pk).select_related("program").first()
    if group is None:
        raise Http404
    occurrence = get_occurrence(group, key)
    body = session_calendar(occurrence, _language(), with_video=False)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{occurrence.key}.ics"'
    return response
