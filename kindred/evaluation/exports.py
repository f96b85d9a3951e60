"""The rows of the program's exports: encounters and matches (identifiable, for the program's own
analysis), the quarterly network figures (aggregate) and the Safe Harbor de-identified export.

Each function returns (header, rows); the views write them as CSV or XLSX, formula-safe.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.encounters.models import EncounterFamily
from kindred.evaluation.report import encounters_in
from kindred.families.models import Caregiver, Child, Family
from kindred.lib import safe_harbor
from kindred.lib.measures import all_measures, period_bounds
from kindred.matching.models import Match
from kindred.referrals.models import Referral


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _with_details(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch("family_links", queryset=EncounterFamily.objects.select_related("family")),
        "mentors",
        "supports",
        "themes",
        "children",
    )


def encounter_rows(
    program: Any, start: date, end: date
) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """One row per encounter: what the program needs to analyse its own work. Notes and the
    concern's details stay out (minimum necessary)."""
    header = [
        _("Encounter"),
        _("When"),
        _("Minutes"),
        _("Setting"),
        _("Mode"),
        _("Who reached out"),
        _("Interpreter"),
        _("Families"),
        _("Mentors"),
        _("Children"),
        _("Support types"),
        _("Themes"),
        _("Concern"),
    ]
    qs = _with_details(encounters_in(program, start, end).order_by("occurred_at", "id"))

    def rows() -> Iterable[Sequence[Any]]:
        for e in qs:
            yield [
                e.pk,
                _local(e.occurred_at),
                e.duration_minutes,
                e.get_setting_display(),
                e.get_mode_display(),
                e.get_initiated_by_display(),
                _("yes") if e.interpreter_used else _("no"),
                "; ".join(link.family.name for link in e.family_links.all()),
                "; ".join(m.full_name for m in e.mentors.all()),
                len(e.children.all()),
                "; ".join(s.get_support_type_display() for s in e.supports.all()),
                "; ".join(t.name for t in e.themes.all()),
                e.get_concern_display() if e.concern else "",
            ]

    return header, rows()


def match_rows(program: Any, start: date, end: date) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """Matches open at any moment of the period (created before its end, not closed before it)."""
    lo, hi = period_bounds(start, end)
    header = [
        _("Match"),
        _("Family"),
        _("Mentor"),
        _("Status"),
        _("Proposed"),
        _("Active since"),
        _("Closed"),
        _("Why it closed"),
    ]
    qs = (
        Match.objects.filter(program=program, created_at__lt=hi)
        .exclude(closed_at__lt=lo)
        .select_related("family", "mentor")
        .order_by("created_at", "id")
    )

    def rows() -> Iterable[Sequence[Any]]:
        for m in qs:
            yield [
                m.pk,
                m.family.name,
                m.mentor.full_name,
                m.get_status_display(),
                _local(m.created_at),
                _local(m.started_at),
                _local(m.closed_at),
                m.get_close_reason_display() if m.close_reason else "",
            ]

    return header, rows()


def network_rows(program: Any, start: date, end: date) -> tuple[list[str], list[Sequence[Any]]]:
    """The quarter's figures a statewide network or a funder asks for: families served one to one
    (a counted encounter or an active match) and in groups, new families, encounters, languages
    of the families served, referral sources. Aggregate only, exact (the coordinator's)."""
    from kindred.groups.models import Attendance

    lo, hi = period_bounds(start, end)
    measures = all_measures()
    one_to_one = set(
        EncounterFamily.objects.filter(
            encounter_id__in=encounters_in(program, start, end).values("id")
        ).values_list("family_id", flat=True)
    ) | set(
        Match.objects.filter(program=program, started_at__lt=hi)
        .exclude(closed_at__lt=lo)
        .filter(started_at__isnull=False)
        .values_list("family_id", flat=True)
    )
    in_groups = set(
        Attendance.objects.filter(
            session__group__program=program,
            session__starts_at__gte=lo,
            session__starts_at__lt=hi,
            present=True,
        ).values_list("family_id", flat=True)
    )
    served = one_to_one | in_groups
    rows: list[Sequence[Any]] = [
        [_("Families served"), _("one to one"), len(one_to_one)],
        [_("Families served"), _("in groups"), len(in_groups)],
        [_("Families served"), _("in all"), len(served)],
        [
            _("New families"),
            "",
            int(measures["families.new"].value(program, start, end).value or 0),
        ],
        [
            _("Encounters"),
            "",
            int(measures["encounters.count"].value(program, start, end).value or 0),
        ],
    ]
    from kindred.lib.languages import english_name

    languages: dict[str, set[int]] = {}
    for family_id, code in Caregiver.objects.filter(
        family_id__in=served, is_active=True
    ).values_list("family_id", "preferred_language"):
        languages.setdefault(code, set()).add(family_id)
    for code, families in sorted(languages.items(), key=lambda item: (-len(item[1]), item[0])):
        rows.append([_("Families served by language"), english_name(code), len(families)])
    from kindred.referrals.models import Source

    received = Referral.objects.filter(program=program, received_at__gte=lo, received_at__lt=hi)
    received = received.exclude(status="entered-in-error")
    by_source: dict[str, int] = {}
    for source in received.values_list("source", flat=True):
        by_source[source] = by_source.get(source, 0) + 1
    for code, label in Source.choices:
        rows.append([_("Referrals received by source"), str(label), by_source.get(code, 0)])
    return [_("Figure"), _("Part"), _("Value")], rows


# The de-identified export ------------------------------------------------------------------

DEIDENTIFIED_HEADER = [
    "family",
    "encounter_year",
    "days_since_first_referral",
    "setting",
    "mode",
    "initiated_by",
    "interpreter_used",
    "minutes",
    "support_types",
    "themes",
    "children_ages",
    "zip3",
    "languages",
    "condition_categories",
    "referral_source",
]


def deidentified_rows(program: Any, start: date, end: date) -> tuple[list[str], list[list[Any]]]:
    """One row per counted encounter and family, following HIPAA Safe Harbor (45 CFR
    164.514(b)(2); kindred.lib.safe_harbor): no names, contact details, record numbers or free
    text; the encounter's year and its day offset from the family's first referral; the ZIP's
    3-digit area (000 for the restricted ones); children's ages at the encounter, 90+ above 89.

    Families are numbered F0001… in a random order drawn for each export, so the codes are not
    derived from any identifier and do not link two exports.
    """
    encounters = list(
        encounters_in(program, start, end)
        .order_by("occurred_at", "id")
        .prefetch_related(
            "family_links",
            "supports",
            "themes",
            Prefetch("children", queryset=Child.objects.only("id", "family_id", "date_of_birth")),
        )
    )
    family_ids = sorted({link.family_id for e in encounters for link in e.family_links.all()})
    families = {
        f.pk: f
        for f in Family.objects.filter(pk__in=family_ids)
        .only("id", "zip_code")
        .prefetch_related(
            Prefetch(
                "caregivers",
                queryset=Caregiver.objects.filter(is_active=True).only(
                    "id", "family_id", "preferred_language"
                ),
            ),
            Prefetch(
                "children",
                queryset=Child.objects.filter(is_active=True)
                .only("id", "family_id")
                .prefetch_related("conditions__category"),
            ),
        )
    }
    first_referral: dict[int, Any] = {}
    sources: dict[int, str] = {}
    for family_id, received_at, source in (
        Referral.objects.filter(program=program, family_id__in=family_ids)
        .exclude(status="entered-in-error")
        .order_by("received_at")
        .values_list("family_id", "received_at", "source")
    ):
        first_referral.setdefault(family_id, received_at)
        sources.setdefault(family_id, source)
    order = list(family_ids)
    random.SystemRandom().shuffle(order)
    codes = {family_id: f"F{n:04d}" for n, family_id in enumerate(order, start=1)}
    rows: list[list[Any]] = []
    for e in encounters:
        local_day = timezone.localtime(e.occurred_at).date()
        supports = ";".join(sorted(s.support_type for s in e.supports.all()))
        themes = ";".join(sorted(t.slug for t in e.themes.all()))
        for link in e.family_links.all():
            family = families[link.family_id]
            ages = sorted(
                safe_harbor.age_label(safe_harbor.age_years(c.date_of_birth, local_day))
                for c in e.children.all()
                if c.family_id == link.family_id
            )
            anchor = first_referral.get(link.family_id)
            categories = sorted(
                {
                    cond.category.slug
                    for child in family.children.all()
                    for cond in child.conditions.all()
                    if cond.category is not None
                }
            )
            rows.append(
                [
                    codes[link.family_id],
                    safe_harbor.year_only(local_day),
                    safe_harbor.day_offset(local_day, timezone.localtime(anchor).date())
                    if anchor
                    else "",
                    e.setting,
                    e.mode,
                    e.initiated_by,
                    "yes" if e.interpreter_used else "no",
                    e.duration_minutes,
                    supports,
                    themes,
                    ";".join(a for a in ages if a),
                    safe_harbor.zip3(family.zip_code),
                    ";".join(sorted({c.preferred_language for c in family.caregivers.all()})),
                    ";".join(categories),
                    sources.get(link.family_id, ""),
                ]
            )
    return list(DEIDENTIFIED_HEADER), rows
