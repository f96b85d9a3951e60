"""The encounter form (new and edit, one screen), an encounter's page with its history, the
list, and marking one entered in error (never deleted)."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.audit.log import record
from kindred.directory.models import Service
from kindred.encounters.access import can_change, can_read_notes, get_encounter_for, is_staff
from kindred.encounters.codebook import ensure_codebook, theme_tree
from kindred.encounters.forms import EncounterForm
from kindred.encounters.models import (
    Concern,
    Encounter,
    EncounterSupport,
    InitiatedBy,
    Mode,
    Setting,
    SupportType,
)
from kindred.encounters.services import (
    EncounterInput,
    encounter_create,
    encounter_mark_error,
    encounter_update,
)
from kindred.families.models import Family, normalize_text
from kindred.groups.models import GroupSession
from kindred.groups.schedule import zone
from kindred.matching.models import Match
from kindred.mentors.models import Mentor
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap

PAGE_SIZE = 50
MAX_SEARCH = 100  # characters of the family search kept
MAX_SEARCH_WORDS = 5


def _families_for(request: ProgramRequest) -> QuerySet[Family]:
    """The families this person may log an encounter with: a mentor's matched families, every
    open family of the program for coordinators."""
    return Family.objects.visible_to(request.user).filter(
        program=request.program, status=Family.Status.ACTIVE
    )


def family_search(families: QuerySet[Family], q: str) -> QuerySet[Family]:
    """The families among `families` whose name, caregivers' or children's first or last names
    hold every word of `q` (accents and case ignored: the families' normalized search column)."""
    for word in normalize_text(q).split()[:MAX_SEARCH_WORDS]:
        families = families.filter(search_text__contains=word)
    return families


def _search_text(request: ProgramRequest) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_SEARCH]


def _services() -> QuerySet[Service]:
    return Service.objects.listed().order_by("name", "id")


def _preselected(request: ProgramRequest, families: QuerySet[Family]) -> tuple[list[int], Any]:
    """The family (?family=) or the match (?match=) the form was opened from, if reachable."""
    match = None
    ids: list[int] = []
    raw_match = request.GET.get("match", "")
    if raw_match.isdigit():
        match = (
            Match.objects.visible_to(request.user)
            .filter(pk=int(raw_match), program=request.program)
            .first()
        )
        if match is not None:
            ids.append(match.family_id)
    raw = request.GET.get("family", "")
    if raw.isdigit() and families.filter(pk=int(raw)).exists():
        ids.append(int(raw))
    return ids, match


def _input(form: EncounterForm, request: ProgramRequest) -> EncounterInput:
    data = form.cleaned_data
    mentors = list(data.get("mentors") or [])
    own = form.own_mentor()
    if own is not None and not form.staff and own not in mentors:
        mentors.insert(0, own)
    return EncounterInput(
        occurred_at=data["occurred_at"],
        duration_minutes=data["duration_minutes"],
        setting=data["setting"],
        mode=data["mode"],
        initiated_by=data["initiated_by"],
        interpreter_used=data["interpreter_used"],
        families=list(data["families"]),
        mentors=mentors,
        caregivers=list(data.get("caregivers") or []),
        children=list(data.get("children") or []),
        support_types=list(data["support_types"]),
        themes=list(data.get("themes") or []),
        services=list(data.get("services") or []),
        notes=data.get("notes") or "",
        concern=data.get("concern") or "",
        concern_details=data.get("concern_details") or "",
        follow_up=data.get("follow_up") or "",
        follow_up_due=data.get("follow_up_due"),
    )


def _form_page(
    request: ProgramRequest,
    form: EncounterForm,
    *,
    encounter: Encounter | None,
    status: int,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    chosen = {str(v) for v in (form["themes"].value() or [])}
    family_choices = list(form["families"])
    others = [c for c in family_choices if str(c.data["value"]) not in form.primary]
    q = _search_text(request)
    if q:
        # The search narrows the list shown, never what may be chosen: a family already ticked
        # stays, and the search runs among the families this person may document only.
        field = cast(Any, form.fields["families"])
        found = {str(pk) for pk in family_search(field.queryset, q).values_list("pk", flat=True)}
        ticked = {str(v) for v in (form["families"].value() or [])}
        others = [c for c in others if str(c.data["value"]) in found | ticked]
    keep = {k: request.GET[k] for k in ("family", "match") if request.GET.get(k, "").isdigit()}
    return render(
        request,
        "encounters/form.html",
        {
            "form": form,
            "encounter": encounter,
            "tree": theme_tree(request.program),
            "chosen_themes": chosen,
            "primary_families": [c for c in family_choices if str(c.data["value"]) in form.primary],
            "other_families": others,
            "family_q": q,
            "search_keep": keep,
            **(extra or {}),
        },
        status=status,
    )


@program_required(Cap.ENCOUNTERS_LOG)
@require_http_methods(["GET", "POST"])
def new(request: ProgramRequest) -> HttpResponse:
    program = request.program
    ensure_codebook(program)
    families = _families_for(request)
    preselected, match = _preselected(request, families)
    form = EncounterForm(
        request.POST or None,
        program=program,
        user=request.user,
        families=families,
        services=_services(),
        preselected=preselected,
    )
    if match is not None and not form.is_bound and form.staff:
        form.initial["mentors"] = [match.mentor_id]
    if request.method == "POST":
        if form.is_valid():
            try:
                encounter = encounter_create(
                    program=program, data=_input(form, request), by=request.user, request=request
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if encounter.escalation_id:
                    messages.warning(
                        request, _("Saved. A supervisor has been told of the concern.")
                    )
                else:
                    messages.success(request, _("Saved."))
                return redirect("encounters:detail", encounter.pk)
        return _form_page(request, form, encounter=None, status=400)
    return _form_page(request, form, encounter=None, status=200)


@program_required(Cap.PROGRAM_VIEW)
@require_http_methods(["GET", "POST"])
def edit(request: ProgramRequest, pk: int) -> HttpResponse:
    encounter = get_encounter_for(request, pk, capability=Cap.ENCOUNTERS_LOG)
    if not can_change(request.user, encounter) or encounter.entered_in_error:
        raise PermissionDenied
    if encounter.group_session_id:
        # A session's note is edited on its own page: only the session's attendees choosable.
        return redirect("encounters:group_session_note", encounter.group_session_id)
    request.program = encounter.program
    families = _families_for(request)
    form = EncounterForm(
        request.POST or None,
        program=encounter.program,
        user=request.user,
        families=families,
        services=_services(),
        instance=encounter,
        initial=None if request.method == "POST" else _initial(encounter, request),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                encounter_update(
                    encounter=encounter,
                    data=_input(form, request),
                    version=form.cleaned_data.get("version") or 0,
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Saved."))
                return redirect("encounters:detail", encounter.pk)
        return _form_page(request, form, encounter=encounter, status=400)
    record(action="encounters.encounter.viewed", request=request, obj=encounter, fields=["edit"])
    return _form_page(request, form, encounter=encounter, status=200)


def _initial(encounter: Encounter, request: ProgramRequest) -> dict[str, Any]:
    own = Mentor.objects.filter(program=encounter.program, user=request.user).first()
    return {
        "occurred_at": encounter.occurred_at,
        "duration_minutes": encounter.duration_minutes,
        "setting": encounter.setting,
        "mode": encounter.mode,
        "initiated_by": encounter.initiated_by,
        "interpreter_used": encounter.interpreter_used,
        "families": list(encounter.families.values_list("pk", flat=True)),
        "mentors": [m.pk for m in encounter.mentors.all() if own is None or m.pk != own.pk],
        "caregivers": list(encounter.caregivers.values_list("pk", flat=True)),
        "children": list(encounter.children.values_list("pk", flat=True)),
        "support_types": list(encounter.supports.values_list("support_type", flat=True)),
        "themes": list(encounter.themes.values_list("pk", flat=True)),
        "services": list(encounter.services.values_list("pk", flat=True)),
        "notes": encounter.notes if can_read_notes(request.user, encounter) else "",
        "concern": encounter.concern,
        "concern_details": encounter.concern_details,
        "version": encounter.version,
    }


def _detail(
    request: ProgramRequest, encounter: Encounter, *, status: int = 200, error: str = ""
) -> HttpResponse:
    notes = can_read_notes(request.user, encounter)
    record(
        action="encounters.encounter.viewed",
        request=request,
        obj=encounter,
        fields=["families", "themes"] + (["notes"] if notes and encounter.notes else []),
    )
    labels = dict(SupportType.choices)
    session, session_start = None, None
    if encounter.group_session_id:  # a support group session's note names its session
        session = GroupSession.objects.select_related("group").get(pk=encounter.group_session_id)
        session_start = session.starts_at.astimezone(zone(session.group))
    return render(
        request,
        "encounters/detail.html",
        {
            "encounter": encounter,
            "session": session,
            "session_start": session_start,
            "families": encounter.families.all(),
            "mentors": encounter.mentors.all(),
            "caregivers": encounter.caregivers.all(),
            "children": encounter.children.all(),
            "supports": [
                labels[s] for s in encounter.supports.values_list("support_type", flat=True)
            ],
            "themes": encounter.themes.select_related("parent"),
            "services": encounter.services.all(),
            "follow_ups": encounter.follow_ups.select_related("mentor"),
            "revisions": _revisions(encounter),
            "show_notes": notes,
            "can_change": can_change(request.user, encounter),
            "staff": is_staff(request.user, encounter.program_id),
            "error": error,
        },
        status=status,
    )


def _field_labels() -> dict[str, str]:
    return {
        "occurred_at": _("When"),
        "duration_minutes": _("How long (minutes)"),
        "setting": _("Where"),
        "mode": _("How"),
        "initiated_by": _("Who reached out"),
        "interpreter_used": _("An interpreter was used"),
        "concern": _("Concern"),
        "families": _("Families"),
        "mentors": _("Mentors"),
        "caregivers": _("Caregivers who took part"),
        "children": _("Children who took part"),
        "support_types": _("Support given"),
        "themes": _("Themes"),
        "services": _("Resources shared"),
        "notes": _("Notes"),
        "entered_in_error": _("Entered in error"),
        "error_reason": _("Why it is in error"),
    }


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value) if value not in (None, "") else "—"


def _label(choices: dict[str, Any] | None, value: Any) -> Any:
    if not choices:
        return value
    if isinstance(value, list):
        return [choices.get(v, v) for v in value]
    return choices.get(value, value)


def _revisions(encounter: Encounter) -> list[dict[str, Any]]:
    labels = _field_labels()
    choices: dict[str, dict[str, Any]] = {
        "setting": dict(Setting.choices),
        "mode": dict(Mode.choices),
        "initiated_by": dict(InitiatedBy.choices),
        "concern": dict(Concern.choices),
        "support_types": dict(SupportType.choices),
    }
    rows = []
    for revision in encounter.revisions.select_related("by"):
        changes = [
            {
                "label": labels.get(name, name),
                "notes": name == "notes",
                "before": _shown(_label(choices.get(name), values[0])),
                "after": _shown(_label(choices.get(name), values[1])),
            }
            for name, values in revision.changes.items()
        ]
        rows.append({"revision": revision, "changes": changes})
    return rows


@program_required(Cap.PROGRAM_VIEW)
def detail(request: ProgramRequest, pk: int) -> HttpResponse:
    return _detail(request, get_encounter_for(request, pk))


@require_POST
@program_required(Cap.PROGRAM_VIEW)
def mark_error(request: ProgramRequest, pk: int) -> HttpResponse:
    encounter = get_encounter_for(request, pk, capability=Cap.ENCOUNTERS_LOG)
    if not can_change(request.user, encounter):
        raise PermissionDenied
    try:
        encounter_mark_error(
            encounter=encounter,
            reason=request.POST.get("reason", "")[:500],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        return _detail(request, encounter, status=400, error=" ".join(error.messages))
    messages.success(
        request, _("Marked entered in error. It stays on the record, left out of reports.")
    )
    return redirect("encounters:detail", encounter.pk)


@program_required(Cap.PROGRAM_VIEW)
def encounter_list(request: ProgramRequest) -> HttpResponse:
    program = request.program
    user = request.user
    if not (
        has_capability(user, program.pk, Cap.ENCOUNTERS_VIEW)
        or has_capability(user, program.pk, Cap.ENCOUNTERS_LOG)
    ):
        raise PermissionDenied
    rows = (
        Encounter.objects.visible_to(user)
        .filter(program=program)
        .prefetch_related(
            "families",
            "mentors",
            Prefetch("supports", queryset=EncounterSupport.objects.order_by("support_type")),
        )
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        action="encounters.encounter.listed",
        request=request,
        program=program,
        object_type="encounters.encounter",
        detail={"page": page.number},
    )
    labels = dict(SupportType.choices)
    return render(
        request,
        "encounters/list.html",
        {
            "page": page,
            "labels": labels,
            "can_log": has_capability(user, program.pk, Cap.ENCOUNTERS_LOG),
        },
    )
