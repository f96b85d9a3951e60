"""A support group session's note (issue 12): an encounter linked to the session, written by the
group's facilitators or the program's coordinators, so that its support types, themes, concern
and escalation, history and reports are the encounters' own. Only the families marked present
at the session may be chosen; one counted note per session (a second visit edits it)."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.encounters.access import can_change
from kindred.encounters.codebook import ensure_codebook
from kindred.encounters.forms import EncounterForm
from kindred.encounters.models import MAX_DURATION_MINUTES, Encounter, InitiatedBy, Mode, Setting
from kindred.encounters.services import encounter_create, encounter_update
from kindred.encounters.views import _form_page, _initial, _input, _services
from kindred.families.models import Family
from kindred.groups.access import leads
from kindred.groups.models import Facilitator, Format, GroupSession
from kindred.groups.schedule import occurrence_key, zone
from kindred.programs.access import (
    ProgramRequest,
    deny,
    get_scoped_or_404,
    has_capability,
    program_required,
)
from kindred.programs.permissions import Cap


def may_write(user: Any, session: GroupSession) -> bool:
    """The group's facilitators (mentors or staff) and the program's coordinators; supervisors
    read the note on its encounter page, as they read every encounter, and never log."""
    group = session.group
    if not has_capability(user, group.program_id, Cap.ENCOUNTERS_LOG):
        return False
    return has_capability(user, group.program_id, Cap.GROUPS_MANAGE) or leads(user, group)


def session_note(session: GroupSession) -> Encounter | None:
    """The session's counted note (the database allows one), if written."""
    return (
        Encounter.objects.counted()
        .filter(group_session=session)
        .select_related("program", "created_by", "escalation")
        .first()
    )


def _attendees(session: GroupSession) -> QuerySet[Family]:
    return Family.objects.filter(
        program_id=session.group.program_id,
        group_attendance__session=session,
        group_attendance__present=True,
    ).order_by("name", "id")


def _facilitator_mentors(session: GroupSession) -> list[int]:
    return list(
        Facilitator.objects.filter(group=session.group, mentor__isnull=False)
        .order_by("role", "id")
        .values_list("mentor_id", flat=True)
    )


def _prefill(form: EncounterForm, session: GroupSession) -> None:
    """The session's own facts: when, how long, in person or by video, who came, who led."""
    video = session.format == Format.VIDEO
    minutes = int((session.ends_at - session.starts_at) / timedelta(minutes=1))
    mentors = _facilitator_mentors(session)
    own = form.own_mentor()
    form.initial.update(
        {
            "occurred_at": timezone.localtime(session.starts_at).replace(second=0, microsecond=0),
            "duration_minutes": max(1, min(minutes, MAX_DURATION_MINUTES)),
            "mode": Mode.VIDEO if video else Mode.IN_PERSON,
            "setting": Setting.VIRTUAL if video else Setting.COMMUNITY,
            "initiated_by": InitiatedBy.MENTOR if mentors else InitiatedBy.STAFF,
            "mentors": [m for m in mentors if form.staff or own is None or m != own.pk],
        }
    )


@program_required(Cap.PROGRAM_VIEW)
@require_http_methods(["GET", "POST"])
def group_session_note(request: ProgramRequest, pk: int) -> HttpResponse:
    session = get_scoped_or_404(request, GroupSession.objects.select_related("group__program"), pk)
    group = session.group
    note = session_note(session)
    if not may_write(request.user, session) or (
        note is not None and not can_change(request.user, note)
    ):
        if (
            request.method == "GET"
            and note is not None
            and Encounter.objects.visible_to(request.user).filter(pk=note.pk).exists()
        ):
            return redirect("encounters:detail", note.pk)  # a supervisor reads it there
        deny(
            request,
            object_type="groups.groupsession",
            object_id=session.pk,
            program=group.program_id,
            capability=Cap.ENCOUNTERS_LOG,
        )
        raise PermissionDenied
    request.program = group.program
    ensure_codebook(group.program)
    attendees = _attendees(session)
    form = EncounterForm(
        request.POST or None,
        program=group.program,
        user=request.user,
        families=attendees,
        services=_services(),
        instance=note,
        preselected=list(attendees.values_list("pk", flat=True)),
        initial=None if request.method == "POST" or note is None else _initial(note, request),
    )
    if note is None and not form.is_bound:
        _prefill(form, session)
    context = {
        "session": session,
        "group": group,
        "session_key": occurrence_key(session.recurrence_id),
        "session_start": session.starts_at.astimezone(zone(group)),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = _save(request, form, session, note)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if saved is None:
                    form.add_error(
                        None,
                        _(
                            "Someone wrote this session's note while you were writing. "
                            "Open the page again to edit it."
                        ),
                    )
                    return _form_page(request, form, encounter=note, status=409, extra=context)
                if saved.escalation_id and (note is None or note.escalation_id is None):
                    messages.warning(
                        request, _("Saved. A supervisor has been told of the concern.")
                    )
                else:
                    messages.success(request, _("Saved."))
                return redirect("encounters:detail", saved.pk)
        return _form_page(request, form, encounter=note, status=400, extra=context)
    if note is not None:
        record(action="encounters.encounter.viewed", request=request, obj=note, fields=["edit"])
    return _form_page(request, form, encounter=note, status=200, extra=context)


def _save(
    request: ProgramRequest, form: EncounterForm, session: GroupSession, note: Encounter | None
) -> Encounter | None:
    """Write the note or apply the edit; None when another note was written in between (the
    session's row is locked, and the database's constraint catches what a lock cannot)."""
    data = _input(form, request)
    if note is not None:
        encounter_update(
            encounter=note,
            data=data,
            version=form.cleaned_data.get("version") or 0,
            by=request.user,
            request=request,
        )
        return note
    data.group_session = session
    try:
        with transaction.atomic():
            GroupSession.objects.select_for_update().filter(pk=session.pk).first()
            if session_note(session) is not None:
                return None
            return encounter_create(
                program=session.group.program, data=data, by=request.user, request=request
            )
    except IntegrityError:
        return None
