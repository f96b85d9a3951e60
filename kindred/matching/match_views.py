"""One match: its page with its history, the mentor's answer, and the coordinator's moves."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.audit.log import record
from kindred.lib.extensions import page_panels
from kindred.matching import services
from kindred.matching.access import can_manage, get_match_for, is_own, is_staff
from kindred.matching.contacts import early_measures
from kindred.matching.forms import AnswerForm, CloseForm, FitForm, RespondForm, WithdrawForm
from kindred.matching.models import Match
from kindred.programs.access import ProgramRequest, program_required
from kindred.programs.permissions import Cap

FORMS: dict[str, type[forms.Form]] = {
    "respond": RespondForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "withdraw": WithdrawForm,
    "fit": FitForm,
}


def _page(
    request: ProgramRequest,
    match: Match,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    staff = is_staff(request.user, match)
    own = is_own(request.user, match)
    record(action="matching.match.viewed", request=request, obj=match)
    page_forms = {name: cls(prefix=name) for name, cls in FORMS.items()}
    if bound:
        page_forms[bound[0]] = bound[1]
    family = match.family
    return render(
        request,
        "matching/match.html",
        {
            "match": match,
            "family": family,
            "staff": staff,
            "own": own,
            "manage": can_manage(request.user, match),
            "history": match.transitions.select_related("by").order_by("at", "id"),
            "forms": page_forms,
            "panels": page_panels("matching.match", match, request),
            "early": early_measures(match),
            "met": [r for r in match.reasons if r.get("met")],
            "unmet": [r for r in match.reasons if r.get("met") is False],
            "languages": sorted(
                {c.preferred_language for c in family.caregivers.all() if c.is_active}
            ),
        },
        status=status,
    )


@program_required(Cap.PROGRAM_VIEW)
def match(request: ProgramRequest, pk: int) -> HttpResponse:
    return _page(request, get_match_for(request, pk))


@require_POST
@program_required(Cap.PROGRAM_VIEW)
def act(request: ProgramRequest, pk: int, action: str) -> HttpResponse:
    """Every move of a match, by its name; a refused move re-renders the page with the
    reason next to the form, status 400, nothing changed."""
    mentor_actions = {"respond", "mentor_fit"}
    staff_actions = {"offer", "answer", "introduce", "start", "close", "withdraw", "fit", "renew"}
    if action not in mentor_actions | staff_actions:
        raise Http404
    found = get_match_for(request, pk)
    if action in mentor_actions:
        if not is_own(request.user, found):
            raise PermissionDenied
    else:
        found = get_match_for(request, pk, capability=Cap.MATCHING_MANAGE)
    form_name = "fit" if action == "mentor_fit" else action
    form = FORMS[form_name](request.POST, prefix=form_name) if form_name in FORMS else None
    if form is not None and not form.is_valid():
        return _page(request, found, bound=(form_name, form), status=400)
    data: dict[str, Any] = form.cleaned_data if form is not None else {}
    by = request.user
    try:
        if action == "respond":
            services.mentor_answer(
                match=found,
                by=by,
                answer=data["answer"],
                code=data["code"],
                note=data["note"],
                request=request,
            )
        elif action == "offer":
            services.approve_and_offer(match=found, by=by, request=request)
        elif action == "answer":
            services.answer_question(match=found, by=by, answer=data["answer"], request=request)
        elif action == "introduce":
            services.introduce(match=found, by=by, request=request)
        elif action == "start":
            services.start(match=found, by=by, request=request)
        elif action == "close":
            services.close(
                match=found, by=by, code=data["code"], note=data["note"], request=request
            )
        elif action == "withdraw":
            services.withdraw(match=found, by=by, reason=data["reason"], request=request)
        elif action in {"fit", "mentor_fit"}:
            services.record_fit(
                match=found,
                by=by,
                side="mentor" if action == "mentor_fit" else "coordinator",
                fit=data["fit"],
                note=data["note"],
                request=request,
            )
        elif action == "renew":
            services.renew(match=found, by=by, request=request)
    except ValidationError as error:
        found.refresh_from_db()
        if form is None:
            form = forms.Form(data={})
            form.is_valid()
            form_name = "general"
        form.add_error(None, error.messages)
        return _page(request, found, bound=(form_name, form), status=400)
    messages.success(request, _("Saved."))
    return redirect("matching:match", found.pk)
