"""Family pages: the list, the family's story, create and edit, consent, status, merge."""

import secrets
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.audit.states import TransitionError
from kindred.families import consent as consent_api
from kindred.families.access import can_edit, get_family_for
from kindred.families.duplicates import find_likely_duplicates
from kindred.families.forms import (
    CaregiverEditForm,
    CaregiverForm,
    ChildEditForm,
    ChildForm,
    ConditionForm,
    ConsentForm,
    DuplicateConfirmForm,
    ExperienceForm,
    FamilyForm,
    FirstConsentForm,
    MergeForm,
    SearchForm,
    StatusForm,
    VersionForm,
    apply_service_errors,
    family_page_place,
    formset_for,
    sign_snapshot,
)
from kindred.families.models import (
    Caregiver,
    Child,
    Condition,
    Experience,
    Family,
    normalize_text,
    phone_digits,
)
from kindred.families.services import (
    CAREGIVER_FIELDS,
    CHILD_FIELDS,
    ConcurrentEdit,
    DuplicateSubmission,
    diff_snapshots,
    family_create,
    family_merge,
    family_update,
    snapshot,
)
from kindred.families.timeline import collect
from kindred.lib.extensions import page_panels
from kindred.lib.languages import related_codes
from kindred.lib.search import remembered_criteria
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.permissions import Cap

PAGE_SIZE = 25
OPTIONAL_CAREGIVER_FIELDS = ["gender", "gender_self_described", "race_ethnicity", "identity_notes"]


def search_families(program: Any, data: dict[str, Any]) -> QuerySet[Family]:
    """The program's families matching the search form's cleaned data (one indexed query)."""
    families = Family.objects.filter(program=program)
    status = data.get("status")
    if status:
        families = families.filter(status=status)
    else:
        families = families.filter(status__in=[Family.Status.ACTIVE, Family.Status.CLOSED])
    q = (data.get("q") or "").strip()
    if q:
        digits = phone_digits(q)
        if "@" in q:
            families = families.filter(search_emails__contains=q.lower())
        elif len(digits) >= 4 and len(digits) >= len(q.replace(" ", "")) - 4:
            families = families.filter(search_phones__contains=digits)
        else:
            families = families.filter(search_text__contains=normalize_text(q))
    if data.get("language"):
        # A search for Chinese also finds Cantonese and Mandarin (lib.languages.related_codes).
        spoken = related_codes(data["language"]) or {data["language"]}
        families = families.filter(
            reduce(or_, (Q(languages__contains=f" {code} ") for code in sorted(spoken)))
        )
    if data.get("condition"):
        families = families.filter(
            pk__in=Child.objects.filter(conditions=data["condition"], is_active=True).values(
                "family_id"
            )
        )
    return families.order_by("sort_name", "id")


# Below this many matches, a text search reads its matches through the trigram index and sorts
# them; above it, walking the (program, sort_name) index is faster (bench/bench_families.py).
SMALL_RESULT = 5000


def families_page(program: Any, data: dict[str, Any], page_number: Any) -> Any:
    """The page of the program's families for a search, as the list shows it."""
    families = search_families(program, data)
    total = families.count()
    if (data.get("q") or "").strip() and total < SMALL_RESULT:
        # lower() of an already-lowered column: the same order, but the planner cannot walk
        # the sort index and filter thousands of rows; it uses the trigram index instead.
        families = families.order_by(Lower("sort_name"), "id")
    families = families.prefetch_related(
        Prefetch("caregivers", queryset=Caregiver.objects.filter(is_active=True)),
        Prefetch("children", queryset=Child.objects.filter(is_active=True)),
    )
    paginator = Paginator(families, PAGE_SIZE)
    paginator.__dict__["count"] = total  # already counted above
    return paginator.get_page(page_number)


@program_required(Cap.FAMILIES_VIEW)
@require_http_methods(["GET", "POST"])
def family_list(request: ProgramRequest) -> HttpResponse:
    program = request.program
    # Names and phone numbers searched for stay out of the URL (logs, history): lib.search.
    criteria = remembered_criteria(request, "families")
    if not isinstance(criteria, QueryDict):
        return criteria
    form = SearchForm(criteria or None, program=program, language=get_language() or "en")
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = families_page(program, data, request.GET.get("page"))
    record(
        action="families.family.listed",
        request=request,
        program=program,
        object_type="families.family",
        detail={
            "page": page.number,
            "shown": len(page.object_list),
            "searched": bool(data.get("q")),
        },
    )
    return render(
        request,
        "families/family_list.html",
        {
            "form": form,
            "page": page,
            "searching": bool(criteria),
            "program": program,
            "can_edit": has_capability(request.user, program, Cap.FAMILIES_EDIT),
            "can_import": has_capability(request.user, program, Cap.FAMILIES_IMPORT_EXPORT),
        },
    )


@require_http_methods(["GET"])
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    family = get_family_for(request, pk)
    caregivers = list(family.caregivers.all())
    children = list(family.children.prefetch_related("conditions", "experiences"))
    record(
        action="families.family.viewed",
        request=request,
        obj=family,
        fields=["caregivers", "children", "consents", "notes"],
    )
    language = get_language() or "en"
    return render(
        request,
        "families/family_detail.html",
        {
            "family": family,
            "caregivers": [c for c in caregivers if c.is_active],
            "former_caregivers": [c for c in caregivers if not c.is_active],
            "children": [c for c in children if c.is_active],
            "child_conditions": {
                c.pk: [x.label_for(language) for x in c.conditions.all()] for c in children
            },
            "child_experiences": {
                c.pk: [x.label_for(language) for x in c.experiences.all()] for c in children
            },
            "consents": consent_api.current_decisions(family),
            "scopes": consent_api.Scope.choices,
            "timeline": collect(family, request),
            "panels": page_panels("families.family", family, request),
            "can_edit": can_edit(request.user, family)
            and family.status in (Family.Status.ACTIVE, Family.Status.CLOSED),
        },
    )


def _person_rows(formset: Any, fields: list[str], *, editing: bool) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        row = {name: form.cleaned_data.get(name) for name in fields}
        for name in ("conditions", "experiences"):
            if name in form.cleaned_data:
                row[name] = list(form.cleaned_data[name] or [])
        for name, value in list(row.items()):
            if value is None and name not in ("date_of_birth",):
                row[name] = ""
        if editing and form.instance.pk:
            row["id"] = form.instance.pk
        if editing and form.cleaned_data.get("remove"):
            row["is_active"] = False
        rows.append(row)
    return rows


@program_required(Cap.FAMILIES_EDIT)
@require_http_methods(["GET", "POST"])
def family_create_view(request: ProgramRequest) -> HttpResponse:
    program = request.program
    language = get_language() or "en"
    CaregiverFS = formset_for(CaregiverForm, extra=2)
    ChildFS = formset_for(ChildForm, extra=2)
    post = request.POST if request.method == "POST" else None
    family_form = FamilyForm(post)
    caregiver_fs = CaregiverFS(post, prefix="caregiver", queryset=Caregiver.objects.none())
    child_fs = ChildFS(
        post,
        prefix="child",
        queryset=Child.objects.none(),
        form_kwargs={"program": program, "language": language},
    )
    consent_form = FirstConsentForm(post, prefix="consent")
    confirm_form = DuplicateConfirmForm(post, initial={"form_token": secrets.token_urlsafe(24)})
    duplicates: list[Family] = []
    problems: list[str] = []
    if request.method == "POST":
        valid = all(
            [
                family_form.is_valid(),
                caregiver_fs.is_valid(),
                child_fs.is_valid(),
                consent_form.is_valid(),
                confirm_form.is_valid(),
            ]
        )
        # The rows given to the service, in order: FieldPath("caregivers", 0) is the first.
        caregiver_forms = [f for f in caregiver_fs.forms if f.has_changed()]
        child_forms = [f for f in child_fs.forms if f.has_changed()]
        if valid and not caregiver_forms:
            problems.append(_("Add at least one caregiver."))
            valid = False
        token = confirm_form.cleaned_data.get("form_token") if valid else ""
        if valid and token:
            existing = Family.objects.filter(form_token=token, program=program).first()
            if existing is not None:
                messages.info(request, _("This family was already saved."))
                return redirect(existing)
        if valid:
            family_input = family_form.to_input(
                caregivers=[f.to_input() for f in caregiver_forms],
                children=[f.to_input() for f in child_forms],
                consents=consent_form.to_inputs(),
            )
        if valid and not confirm_form.cleaned_data.get("not_a_duplicate"):
            birth_date = next(
                (c.date_of_birth for c in family_input.children if c.date_of_birth), None
            )
            for caregiver in family_input.caregivers:
                duplicates += [
                    f
                    for f in find_likely_duplicates(
                        program=program,
                        caregiver_name=f"{caregiver.first_name} {caregiver.last_name}",
                        phone=caregiver.phone,
                        email=caregiver.email,
                        child_birth_date=birth_date,
                    )
                    if f not in duplicates
                ]
            valid = not duplicates
        if valid:
            try:
                family = family_create(
                    program=program,
                    family=family_input,
                    by=request.user,
                    request=request,
                    form_token=token or None,
                )
            except DuplicateSubmission as dup:
                messages.info(request, _("This family was already saved."))
                return redirect(dup.family)
            except ValidationError as exc:
                problems += apply_service_errors(
                    exc,
                    family_page_place(
                        family_form=family_form,
                        caregiver_forms=caregiver_forms,
                        child_forms=child_forms,
                        consent_form=consent_form,
                    ),
                )
            else:
                messages.success(request, _("Family saved."))
                return redirect(family)
    if request.method == "POST" and not problems and not duplicates:
        problems.append(_("Some answers need a correction: see the messages below."))
    return render(
        request,
        "families/family_form.html",
        {
            "program": program,
            "family_form": family_form,
            "caregiver_fs": caregiver_fs,
            "child_fs": child_fs,
            "consent_form": consent_form,
            "confirm_form": confirm_form,
            "duplicates": duplicates,
            "problems": problems,
            "creating": True,
            "optional_caregiver_fields": OPTIONAL_CAREGIVER_FIELDS,
            "no_optional_fields": [],
        },
        # Likely duplicates only ask for a decision: the input itself is fine.
        status=400 if problems else 200,
    )


def _describe_changes(
    changes: list[tuple[str, str, Any, Any]], family: Family
) -> list[dict[str, Any]]:
    """Readable rows for the "someone else changed this" table."""
    labels: dict[str, str] = {}
    for model, prefix in ((Family, "family"), (Caregiver, "caregivers"), (Child, "children")):
        for f in model._meta.get_fields():
            if hasattr(f, "verbose_name"):
                labels[f"{prefix}.{f.name}"] = str(f.verbose_name)
    people = {f"caregivers:{c.pk}": str(c) for c in family.caregivers.all()}
    people |= {f"children:{c.pk}": str(c) for c in family.children.all()}
    rows = []
    for part, field, old, new in changes:
        kind = part.split(":")[0]
        who = people.get(part, _("Family"))
        if field == "__added__":
            rows.append({"who": who, "field": _("added"), "old": "", "new": ""})
            continue
        if field == "status":
            old, new = (
                Family.Status(old).label if old else "",
                Family.Status(new).label if new else "",
            )
        if field == "is_active":
            old, new = (_("yes") if old else _("no")), (_("yes") if new else _("no"))
        rows.append(
            {"who": who, "field": labels.get(f"{kind}.{field}", field), "old": old, "new": new}
        )
    return rows


@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    family = get_family_for(request, pk, capability=Cap.FAMILIES_EDIT)
    if family.status not in (Family.Status.ACTIVE, Family.Status.CLOSED):
        messages.error(request, _("This family record can no longer change."))
        return redirect(family)
    language = get_language() or "en"
    CaregiverFS = formset_for(CaregiverEditForm, extra=1)
    ChildFS = formset_for(ChildEditForm, extra=1)
    post = request.POST if request.method == "POST" else None
    caregivers_qs = family.caregivers.filter(is_active=True)
    children_qs = family.children.filter(is_active=True).prefetch_related(
        "conditions", "experiences"
    )
    current = snapshot(family)
    family_form = FamilyForm(post, instance=Family.objects.get(pk=family.pk))
    caregiver_fs = CaregiverFS(post, prefix="caregiver", queryset=caregivers_qs)
    child_fs = ChildFS(
        post,
        prefix="child",
        queryset=children_qs,
        form_kwargs={"program": family.program, "language": language},
    )
    version_form = VersionForm(
        post, initial={"version": family.version, "snapshot": sign_snapshot(current)}
    )
    changes: list[dict[str, Any]] = []
    problems: list[str] = []
    # Someone else's save in between is a conflict (409), not bad input (400).
    status = 400 if request.method == "POST" else 200
    if request.method == "GET":
        record(action="families.family.viewed", request=request, obj=family, fields=["edit_form"])
    if request.method == "POST":
        valid = all(
            [
                family_form.is_valid(),
                caregiver_fs.is_valid(),
                child_fs.is_valid(),
                version_form.is_valid(),
            ]
        )
        if valid:
            original = version_form.original()
            try:
                family_update(
                    family=family,
                    version=version_form.cleaned_data["version"] if original else -1,
                    data=family_form.cleaned_data,
                    caregivers=_person_rows(caregiver_fs, CAREGIVER_FIELDS, editing=True),
                    children=_person_rows(child_fs, CHILD_FIELDS, editing=True),
                    by=request.user,
                    request=request,
                )
            except ConcurrentEdit as conflict:
                status = 409
                fresh = snapshot(conflict.current)
                changes = _describe_changes(diff_snapshots(original or {}, fresh), conflict.current)
                # The next save knowingly applies this person's version over the new one.
                data = request.POST.copy()
                data["version"] = str(conflict.current.version)
                data["snapshot"] = sign_snapshot(fresh)
                version_form = VersionForm(data)
                version_form.is_valid()
                problems.append(
                    _(
                        "Someone else saved this family while you were editing. Your changes are not saved yet: check what changed below, then save again."
                    )
                )
            except ValidationError as exc:
                problems += apply_service_errors(
                    exc,
                    family_page_place(
                        family_form=family_form,
                        caregiver_forms=[f for f in caregiver_fs.forms if f.has_changed()],
                        child_forms=[f for f in child_fs.forms if f.has_changed()],
                    ),
                )
            else:
                messages.success(request, _("Changes saved."))
                return redirect(family)
    if request.method == "POST" and not problems:
        problems.append(_("Some answers need a correction: see the messages below."))
    return render(
        request,
        "families/family_form.html",
        {
            "program": family.program,
            "family": family,
            "family_form": family_form,
            "caregiver_fs": caregiver_fs,
            "child_fs": child_fs,
            "version_form": version_form,
            "changes": changes,
            "problems": problems,
            "creating": False,
            "optional_caregiver_fields": OPTIONAL_CAREGIVER_FIELDS,
            "no_optional_fields": [],
        },
        # Someone else's save in between is a conflict (409), not bad input.
        status=status,
    )


@require_http_methods(["GET", "POST"])
def family_consent(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    family = get_family_for(request, pk, capability=Cap.FAMILIES_EDIT)
    form = ConsentForm(
        request.POST or None,
        family=family,
        initial=request.GET.dict() if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_api.consent_record(
                family=family,
                scope=data["scope"],
                decision=data["decision"],
                method=data["method"],
                given_by=data["given_by"],
                effective_at=data.get("effective_at"),
                note=data.get("note", ""),
                by=request.user,
                request=request,
            )
        except ValueError:
            form.add_error(None, _("This family record can no longer change."))
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(family)
    return render(
        request,
        "families/consent_form.html",
        {"family": family, "form": form, "consents": consent_api.current_decisions(family)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def family_status(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    family = get_family_for(request, pk, capability=Cap.FAMILIES_EDIT)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        to = {
            "close": Family.Status.CLOSED,
            "reopen": Family.Status.ACTIVE,
            "entered_in_error": Family.Status.ENTERED_IN_ERROR,
        }[form.cleaned_data["action"]]
        try:
            family.transition(
                to=to, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except TransitionError as error:
            form.add_error("action", error)
        else:
            messages.success(request, _("Status changed."))
            return redirect(family)
    return render(
        request,
        "families/status_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def family_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    family = get_family_for(request, pk, capability=Cap.FAMILIES_EDIT)
    form = MergeForm(request.POST or request.GET or None)
    other = None
    if form.is_bound and form.is_valid():
        other = get_family_for(request, form.cleaned_data["other"], capability=Cap.FAMILIES_EDIT)
        if other.program_id != family.program_id or other.pk == family.pk:
            form.add_error("other", _("Choose another record of the same program."))
            other = None
        elif request.method == "POST" and form.cleaned_data.get("confirm"):
            try:
                family_merge(keep=family, merged=other, by=request.user, request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Records merged. Nothing was lost: the other record is kept, marked as merged."
                    ),
                )
                return redirect(family)
        elif request.method == "POST":
            form.add_error("confirm", _("Confirm that both records are the same family."))
    suggestions = []
    primary = family.caregivers.filter(is_active=True, is_primary=True).first()
    child = family.children.filter(is_active=True, date_of_birth__isnull=False).first()
    if primary:
        suggestions = find_likely_duplicates(
            program=family.program,
            caregiver_name=str(primary),
            phone=primary.phone,
            email=primary.email,
            child_birth_date=child.date_of_birth if child else None,
            exclude=family.pk,
        )
    if other is not None:
        record(
            action="families.family.viewed", request=request, obj=other, fields=["merge_preview"]
        )
    return render(
        request,
        "families/merge_form.html",
        {"family": family, "form": form, "other": other, "suggestions": suggestions},
        # A GET with ?other= is a preview; a POST that reaches here was refused.
        status=400 if request.method == "POST" or (form.is_bound and form.errors) else 200,
    )


@program_required(Cap.FAMILIES_EDIT)
@require_http_methods(["GET", "POST"])
def vocabulary(request: ProgramRequest) -> HttpResponse:
    """The program's lists: conditions and experiences, the starter list plus its own."""
    program = request.program
    condition_form = ConditionForm(
        request.POST if "add_condition" in request.POST else None,
        program=program,
        prefix="condition",
    )
    experience_form = ExperienceForm(
        request.POST if "add_experience" in request.POST else None,
        program=program,
        prefix="experience",
    )
    if request.method == "POST":
        for form, what in ((condition_form, "condition"), (experience_form, "experience")):
            if form.is_bound and form.is_valid():
                obj = form.save()
                record(
                    action=f"families.{what}.created",
                    request=request,
                    program=program,
                    obj=obj,
                    fields=list(form.fields),
                )
                messages.success(request, _("Added to the program's list."))
                return redirect("families:vocabulary")
    language = get_language() or "en"
    return render(
        request,
        "families/vocabulary.html",
        {
            "program": program,
            "conditions": Condition.objects.for_program(program)
            .select_related("category")
            .order_by("category__name", "label"),
            "experiences": Experience.objects.for_program(program).order_by("name"),
            "condition_form": condition_form,
            "experience_form": experience_form,
            "language": language,
        },
        status=400 if request.method == "POST" else 200,
    )
