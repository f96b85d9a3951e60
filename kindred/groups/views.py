"""The program's pages of support groups: the list, the calendar, a group, its registrations."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families.consent import Scope, with_consent
from kindred.families.models import Family
from kindred.groups import directory_sync
from kindred.groups.access import (
    can_run,
    can_see_roster,
    get_group_for,
    get_registration_for,
    get_runnable_group_for,
)
from kindred.groups.feeds import current_feed
from kindred.groups.forms import CancelForm, GroupForm, RegisterForm, StatusForm
from kindred.groups.models import Facilitator, Registration, SupportGroup
from kindred.groups.schedule import describe, next_occurrences, occurrences
from kindred.groups.services import (
    feed_make,
    feed_stop,
    group_capacity_changed,
    registration_cancel,
    registration_create,
)
from kindred.lib.languages import language_name
from kindred.mentors.models import Mentor
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.models import Membership
from kindred.programs.permissions import Cap
from kindred.programs.roles import Role


def _language() -> str:
    return (get_language() or "en")[:2]


@program_required(Cap.GROUPS_VIEW)
def group_list(request: ProgramRequest) -> HttpResponse:
    groups = list(
        SupportGroup.objects.filter(program=request.program)
        .exclude(status=SupportGroup.Status.ENDED)
        .annotate(waiting=Count("registrations", filter=Q(registrations__status="waitlisted")))
        .order_by("name", "id")
    )
    upcoming = occurrences(
        groups, timezone.now(), timezone.now() + timedelta(days=62), include_cancelled=False
    )
    next_by_group: dict[int, Any] = {}
    for occurrence in upcoming:
        next_by_group.setdefault(occurrence.group.pk, occurrence)
    rows = [{"group": g, "next": next_by_group.get(g.pk)} for g in groups]
    return render(
        request,
        "groups/list.html",
        {
            "rows": rows,
            "program": request.program,
            "can_manage": has_capability(request.user, request.program, Cap.GROUPS_MANAGE),
            "language": _language(),
        },
    )


@program_required(Cap.GROUPS_VIEW)
def calendar(request: ProgramRequest) -> HttpResponse:
    """The next eight weeks of every group's meetings, cancelled ones marked."""
    weeks = 8
    start = timezone.now() - timedelta(hours=3)
    groups = SupportGroup.objects.filter(program=request.program).exclude(
        status=SupportGroup.Status.ENDED
    )
    found = occurrences(groups, start, start + timedelta(weeks=weeks))
    return render(
        request,
        "groups/calendar.html",
        {"occurrences": found, "weeks": weeks, "language": _language()},
    )


def _people(program: Any) -> list[tuple[str, str]]:
    """Who may lead a group: the program's mentors and staff."""
    mentors = Mentor.objects.filter(program=program, status__in=["active", "training", "paused"])
    staff = (
        Membership.objects.active()
        .filter(program=program, role__in=[Role.COORDINATOR, Role.SUPERVISOR])
        .select_related("user")
    )
    people = [(f"m{m.pk}", _("%(name)s (mentor)") % {"name": m.full_name}) for m in mentors]
    people += [
        (f"u{m.user_id}", _("%(name)s (staff)") % {"name": m.user.get_full_name() or m.user.email})
        for m in staff
    ]
    return people


def _save_facilitators(group: SupportGroup, form: GroupForm) -> None:
    wanted = []
    if form.cleaned_data.get("leader"):
        wanted.append(("leader", form.cleaned_data["leader"]))
    wanted += [("co_leader", key) for key in form.cleaned_data.get("co_leaders") or []]
    group.facilitators.all().delete()
    for role, key in wanted:
        kind, pk = key[0], int(key[1:])
        Facilitator.objects.create(
            group=group,
            role=role,
            mentor_id=pk if kind == "m" else None,
            user_id=pk if kind == "u" else None,
        )


@program_required(Cap.GROUPS_MANAGE)
@require_http_methods(["GET", "POST"])
def group_new(request: ProgramRequest) -> HttpResponse:
    return _group_form(request, SupportGroup(program=request.program))


@program_required(Cap.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def group_edit(request: ProgramRequest, pk: int) -> HttpResponse:
    group = get_group_for(request, pk, capability=Cap.GROUPS_MANAGE)
    return _group_form(request, group)


def _group_form(request: ProgramRequest, group: SupportGroup) -> HttpResponse:
    creating = group.pk is None
    before = group.capacity, group.registration
    form = GroupForm(
        request.POST or None, instance=group, program=group.program, people=_people(group.program)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            group = form.save(commit=False)
            if creating:
                group.created_by = request.user
            group.updated_at = timezone.now()
            group.save()
            form.save_m2m()
            _save_facilitators(group, form)
            directory_sync.group_changed(group, by=request.user, request=request)
            record(
                action=f"groups.supportgroup.{'created' if creating else 'changed'}",
                request=request,
                obj=group,
                fields=list(form.changed_data),
            )
            if not creating and (group.capacity, group.registration) != before:
                promoted = group_capacity_changed(group=group, by=request.user, request=request)
                if promoted:
                    messages.success(
                        request,
                        _("%(n)s families moved from the waitlist to a place.")
                        % {"n": len(promoted)},
                    )
        messages.success(request, _("Group saved."))
        return redirect("groups:detail", pk=group.pk)
    return render(
        request,
        "groups/form.html",
        {"form": form, "group": group, "creating": creating},
        status=400 if form.is_bound else 200,
    )


@program_required(Cap.GROUPS_VIEW)
def group_detail(request: ProgramRequest, pk: int) -> HttpResponse:
    group = get_group_for(request, pk)
    return _render_detail(request, group)


def _render_detail(
    request: ProgramRequest, group: SupportGroup, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    roster = can_see_roster(user, group)
    registrations: list[Registration] = []
    if roster:
        registrations = list(
            Registration.objects.active()
            .filter(group=group)
            .select_related("family")
            .order_by("status", "asked_at", "id")
        )
        record(action="groups.supportgroup.roster_viewed", request=request, obj=group)
    runs = can_run(user, group)
    manage = has_capability(user, group.program_id, Cap.GROUPS_MANAGE)
    feed = current_feed(program=group.program, group=group) if manage else None
    context = {
        "group": group,
        "language": _language(),
        "facilitators": list(group.facilitators.select_related("mentor", "user")),
        "conditions": list(group.conditions.all()),
        "upcoming": next_occurrences(group, 6),
        "schedule_text": describe(group),
        "language_label": language_name(group.language),
        "roster": roster,
        "registered": [r for r in registrations if r.status == "registered"],
        "waitlist": [r for r in registrations if r.status == "waitlisted"],
        "can_run": runs,
        "can_manage": manage,
        "status_form": StatusForm(group=group),
        "feed": feed,
        "register_form": extra.pop("register_form", None)
        or (RegisterForm(families=_families(request, group)) if runs else None),
        **extra,
    }
    return render(request, "groups/detail.html", context, status=status)


def _families(request: ProgramRequest, group: SupportGroup) -> list[tuple[int, str]]:
    """The families this person may register: visible to them, open, who gave permission for
    groups and contact, and not already in the group."""
    taken = Registration.objects.active().filter(group=group).values("family_id")
    families = Family.objects.visible_to(request.user).filter(
        program=group.program, status=Family.Status.ACTIVE
    )
    families = with_consent(with_consent(families, Scope.GROUPS), Scope.CONTACT).exclude(
        pk__in=taken
    )
    return list(families.order_by("sort_name", "id").values_list("pk", "name")[:1000])


@program_required(Cap.GROUPS_VIEW)
@require_POST
def group_status(request: ProgramRequest, pk: int) -> HttpResponse:
    group = get_group_for(request, pk, capability=Cap.GROUPS_MANAGE)
    form = StatusForm(request.POST, group=group)
    if form.is_valid():
        try:
            with transaction.atomic():
                group.transition(
                    to=form.cleaned_data["to"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
                directory_sync.group_changed(group, by=request.user, request=request)
        except TransitionError as exc:
            form.add_error("to", exc)
        else:
            messages.success(
                request, _("Status changed to “%(s)s”.") % {"s": group.get_status_display()}
            )
            return redirect("groups:detail", pk=group.pk)
    return _render_detail(request, group, status=400, status_form=form)


@program_required(Cap.GROUPS_VIEW)
@require_POST
def group_register(request: ProgramRequest, pk: int) -> HttpResponse:
    group = get_runnable_group_for(request, pk)
    families = _families(request, group)
    form = RegisterForm(request.POST, families=families)
    if form.is_valid():
        family = Family.objects.get(pk=int(form.cleaned_data["family"]))
        channel = (
            Registration.Channel.STAFF
            if has_capability(request.user, group.program_id, Cap.GROUPS_MANAGE)
            else Registration.Channel.MENTOR
        )
        try:
            registration = registration_create(
                group=group, family=family, by=request.user, channel=channel, request=request
            )
        except TransitionError as exc:
            form.add_error("family", exc)
        else:
            if registration.status == Registration.Status.WAITLISTED:
                messages.success(
                    request, _("The group is full: %(f)s is on the waitlist.") % {"f": family}
                )
            else:
                messages.success(request, _("%(f)s is registered.") % {"f": family})
            if request.POST.get("back") == "family":  # the offer on the family's page
                return redirect(family.get_absolute_url())
            if request.POST.get("back") == "matching":  # the offer while the family waits
                return redirect("matching:family", pk=family.pk)
            return redirect("groups:detail", pk=group.pk)
    return _render_detail(request, group, status=400, register_form=form)


@program_required(Cap.GROUPS_VIEW)
@require_POST
def registration_cancel_view(request: ProgramRequest, pk: int) -> HttpResponse:
    registration = get_registration_for(request, pk)
    form = CancelForm(request.POST)
    group = registration.group
    if form.is_valid():
        try:
            promoted = registration_cancel(
                registration=registration,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except TransitionError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("Registration cancelled."))
            for other in promoted:
                messages.success(
                    request,
                    _("%(f)s moved from the waitlist to a place and was told.")
                    % {"f": other.family},
                )
            return redirect("groups:detail", pk=group.pk)
    return _render_detail(request, group, status=400, cancel_form=form, cancel_pk=registration.pk)


FEED_ACTIONS = ("make", "renew", "stop")


def _feed_action(request: ProgramRequest) -> str:
    action = request.POST.get("action", "make")
    if action not in FEED_ACTIONS:
        raise BadRequest(_("Unknown action."))
    return action


@program_required(Cap.GROUPS_VIEW)
@require_http_methods(["GET", "POST"])
def my_feed(request: ProgramRequest) -> HttpResponse:
    """My calendar link (the groups I lead, or all of them for the staff). A GET only shows it;
    making, renewing (the old address stops) and stopping it are POSTs."""
    if request.method == "POST":
        action = _feed_action(request)
        if action == "stop":
            feed_stop(program=request.program, by=request.user, request=request, user=request.user)
            messages.success(request, _("Your calendar link no longer works."))
        else:
            feed_make(
                program=request.program,
                by=request.user,
                request=request,
                user=request.user,
                renew=action == "renew",
            )
            messages.success(
                request,
                _("The old link no longer works. Here is your new link.")
                if action == "renew"
                else _("Here is your calendar link."),
            )
        return redirect("groups:my_feed")
    feed = current_feed(program=request.program, user=request.user)
    return render(request, "groups/my_feed.html", {"feed": feed})


@program_required(Cap.GROUPS_VIEW)
@require_POST
def group_feed(request: ProgramRequest, pk: int) -> HttpResponse:
    """Make (or renew) the group's calendar link; a draft group has none."""
    group = get_group_for(request, pk, capability=Cap.GROUPS_MANAGE)
    action = _feed_action(request)
    if action == "stop":
        feed_stop(program=group.program, by=request.user, request=request, group=group)
        messages.success(request, _("The group's old calendar link no longer works."))
        return redirect("groups:detail", pk=group.pk)
    if group.status == SupportGroup.Status.DRAFT:
        messages.error(request, _("Publish the group before sharing its calendar link."))
        return _render_detail(request, group, status=400)
    feed_make(
        program=group.program,
        by=request.user,
        request=request,
        group=group,
        renew=action == "renew",
    )
    messages.success(request, _("The group's calendar link is ready."))
    return redirect("groups:detail", pk=group.pk)


@program_required(Cap.GROUPS_VIEW)
@require_POST
def group_feed_revoke(request: ProgramRequest, pk: int) -> HttpResponse:
    group = get_group_for(request, pk, capability=Cap.GROUPS_MANAGE)
    feed_stop(program=group.program, by=request.user, request=request, group=group)
    messages.success(request, _("The group's old calendar link no longer works."))
    return redirect("groups:detail", pk=group.pk)
