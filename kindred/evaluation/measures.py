"""Encounter measures (the measures extension point): encounters, hours of support, the families
reached (in Spanish, in a language other than English), and the practice of about 4 contacts in
a match's first 8 weeks. They live here, above encounters, matching and families, because they
read all three; the keys name what they count ("encounters.*") and stay stable.
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from kindred.encounters.models import EncounterFamily
from kindred.evaluation.report import encounters_in
from kindred.families.models import Caregiver
from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds
from kindred.matching.models import Match

# P2P practice: about 4 contacts in the first 8 weeks of a match (DOMAIN.md).
FIRST_WEEKS = timedelta(weeks=8)
FIRST_WEEKS_CONTACTS = 4


def encounters(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(encounters_in(program, start, end).count())


def support_hours(program: Any, start: date, end: date) -> MeasureValue:
    minutes = encounters_in(program, start, end).aggregate(m=Sum("duration_minutes"))["m"] or 0
    return MeasureValue(minutes / 60)


def _reached(program: Any, start: date, end: date) -> Any:
    ids = encounters_in(program, start, end).values("id")
    return EncounterFamily.objects.filter(encounter_id__in=ids).values("family_id")


def families_reached(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(_reached(program, start, end).distinct().count())


def families_reached_spanish(program: Any, start: date, end: date) -> MeasureValue:
    n = (
        Caregiver.objects.filter(
            family_id__in=_reached(program, start, end), is_active=True, preferred_language="es"
        )
        .values("family_id")
        .distinct()
        .count()
    )
    return MeasureValue.count(n)


def families_reached_not_english(program: Any, start: date, end: date) -> MeasureValue:
    n = (
        Caregiver.objects.filter(family_id__in=_reached(program, start, end), is_active=True)
        .exclude(preferred_language="en")
        .values("family_id")
        .distinct()
        .count()
    )
    return MeasureValue.count(n)


def first_weeks_contacts(program: Any, start: date, end: date) -> MeasureValue:
    """Of the matches whose first 8 weeks ended in the period, those with at least 4 counted
    encounters in them (only whole windows count, so a new match is never 'behind')."""
    lo, hi = period_bounds(start, end)
    matches = Match.objects.filter(
        program=program,
        started_at__isnull=False,
        started_at__gte=lo - FIRST_WEEKS,
        started_at__lt=hi - FIRST_WEEKS,
    )
    window = Q(
        encounter_links__encounter__entered_in_error=False,
        encounter_links__encounter__occurred_at__gte=F("started_at"),
        encounter_links__encounter__occurred_at__lt=F("started_at") + FIRST_WEEKS,
    )
    counted = matches.annotate(n=Count("encounter_links", filter=window)).values_list(
        "n", flat=True
    )
    values = list(counted)
    return MeasureValue.share(sum(1 for n in values if n >= FIRST_WEEKS_CONTACTS), len(values))


MEASURES = [
    Measure("encounters.count", _("Encounters"), Unit.COUNT, encounters),
    Measure("encounters.support_hours", _("Hours of support"), Unit.HOURS, support_hours),
    Measure("encounters.families_reached", _("Families reached"), Unit.COUNT, families_reached),
    Measure(
        "encounters.families_reached_spanish",
        _("Families reached in Spanish"),
        Unit.COUNT,
        families_reached_spanish,
        help_text=_("Families reached with a caregiver whose preferred language is Spanish."),
    ),
    Measure(
        "encounters.families_reached_not_english",
        _("Families reached in a language other than English"),
        Unit.COUNT,
        families_reached_not_english,
    ),
    Measure(
        "encounters.first_weeks_contacts",
        _("Matches with 4 contacts in their first 8 weeks"),
        Unit.PERCENT,
        first_weeks_contacts,
        help_text=_(
            "Of the matches whose first 8 weeks ended in the period (P2P practice: about 4)."
        ),
    ),
]
