"""The mentor roster (GET /mentors/): 50 mentors a page, filters and search without JavaScript
(the criteria posted, kept in the session), the per-status counts, who can be matched today and
the qualifications that need attention, in three queries whatever the program's size (issue 16,
bench/bench_mentors.py: at most 3× the bare SQL of its data)."""

from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kindred.audit.log import record
from kindred.lib.languages import language_name
from kindred.lib.search import remembered_criteria
from kindred.mentors.models import Mentor, Qualification
from kindred.mentors.services import program_ensure_mentor_lists
from kindred.programs.access import ProgramRequest, has_capability, program_required
from kindred.programs.models import Program
from kindred.programs.permissions import Cap

EXPIRING_DAYS = 30
PAGE_SIZE = 50
# What a roster row shows: the other columns (free text, JSON lists) stay in the database.
ROW_COLUMNS = (
    "id",
    "program_id",
    "full_name",
    "status",
    "paused_until",
    "languages",
    "active_family_count",
    "max_families",
)
ATTENTION_STATUSES = {Mentor.Status.TRAINING, Mentor.Status.ACTIVE, Mentor.Status.PAUSED}


def attention(mentors: list[Mentor], on: Any) -> dict[int, list[dict[str, Any]]]:
    """{mentor id: [{type: {pk, label}, state}]}: the latest qualification of each active type
    that has expired or expires within EXPIRING_DAYS, for the page's mentors in training,
    active or paused, in the types' order (name): one query of plain values."""
    ids = [m.pk for m in mentors if m.status in ATTENTION_STATUSES]
    if not ids:
        return {}
    latest: dict[tuple[int, int], tuple[Any, ...]] = {}
    for row in (
        Qualification.objects.filter(mentor_id__in=ids, type__is_active=True)
        .order_by("obtained_on", "id")
        .values_list(
            "mentor_id", "type_id", "obtained_on", "expires_on", "type__name", "type__name_es"
        )
    ):
        latest[(row[0], row[1])] = row
    spanish = (get_language() or "en").startswith("es")
    soon = on + timedelta(days=EXPIRING_DAYS)
    result: dict[int, list[dict[str, Any]]] = {}
    for mentor_id, type_id, obtained, expires, name, name_es in sorted(
        latest.values(), key=lambda row: (row[4], row[1])
    ):
        if obtained > on or (expires is not None and expires < on):  # Qualification.is_valid_on
            state = "expired"
        elif expires and expires <= soon:
            state = "expiring"
        else:
            continue
        label = name_es if spanish and name_es else name  # QualificationType.label
        result.setdefault(mentor_id, []).append(
            {"type": {"pk": type_id, "label": label}, "state": state}
        )
    return result


@program_required(Cap.MENTORS_VIEW)
@require_http_methods(["GET", "POST"])
def mentor_list(request: ProgramRequest) -> HttpResponse:
    program: Program = request.program
    # A name searched for stays out of the URL (logs, history): the filter form posts and the
    # criteria live in the session (lib.search). Status links (?status=...) still work.
    criteria = remembered_criteria(request, "mentors")
    if not isinstance(criteria, QueryDict):
        return criteria
    program_ensure_mentor_lists(program=program)
    status = request.GET.get("status", criteria.get("status", ""))
    query = criteria.get("q", "").strip()
    wanted = request.GET.get("attention", criteria.get("attention", ""))
    today = timezone.localdate()
    mentors = Mentor.objects.filter(program=program)
    if status in Mentor.Status.values:
        mentors = mentors.filter(status=status)
    if query:
        mentors = mentors.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if wanted == "qualifications":
        soon = today + timedelta(days=EXPIRING_DAYS)
        mentors = mentors.filter(
            status__in=ATTENTION_STATUSES, qualifications__expires_on__lte=soon
        ).distinct()
    counts = dict(
        Mentor.objects.filter(program=program).values_list("status").annotate(n=Count("id"))
    )
    # Who can be matched today, in the page's own query (a subquery per row of the page).
    matchable = Mentor.objects.matchable(program, today).filter(pk=OuterRef("pk"))
    paginator = Paginator(
        mentors.only(*ROW_COLUMNS)
        .annotate(can_match=Exists(matchable))
        .order_by("full_name", "id"),
        PAGE_SIZE,
    )
    if not (status in Mentor.Status.values or query or wanted == "qualifications"):
        # Everyone in the program: the per-status counts already add up to the total.
        paginator.count = sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page)
    states = attention(rows, today)
    record(
        action="mentors.mentor.listed",
        request=request,
        program=program,
        object_type="mentors.mentor",
        detail={"count": len(rows)},
    )
    labels = {value: str(label) for value, label in Mentor.Status.choices}
    prefix = reverse("mentors:list")  # a mentor's page is <list>/<id>/ (urls.py)
    return render(
        request,
        "mentors/list.html",
        {
            "program": program,
            "title": program.mentor_title_for(get_language() or "en"),
            "page": page,
            "rows": [
                {
                    "mentor": m,
                    "url": f"{prefix}{m.pk}/",
                    "status": labels.get(m.status, m.status),
                    "languages": ", ".join(language_name(c) for c in m.languages),
                    "matchable": m.can_match,  # type: ignore[attr-defined]  # annotated
                    "attention": states.get(m.pk, []),
                }
                for m in rows
            ],
            "statuses": [(value, label, counts.get(value, 0)) for value, label in labels.items()],
            "status": status,
            "q": query,
            "attention": wanted,
            "query": "&".join(
                f"{k}={v}"
                for k, v in (("status", status), ("q", query), ("attention", wanted))
                if v
            ),
            "can_manage": has_capability(request.user, program, Cap.MENTORS_MANAGE),
        },
    )
