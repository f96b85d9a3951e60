"""Family measures (the measures extension point): families new to the program in a period and
the languages they speak (a family's languages are its caregivers' preferred languages)."""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred.families.models import Caregiver, Family
from kindred.lib.measures import Measure, MeasureValue, Unit, period_bounds


def _new(program: Any, start: date, end: date) -> Any:
    lo, hi = period_bounds(start, end)
    return Family.objects.filter(
        program=program, created_at__gte=lo, created_at__lt=hi, merged_into__isnull=True
    )


def new_families(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(_new(program, start, end).count())


def _speaks(language: str) -> Q:
    return Q(caregivers__preferred_language=language, caregivers__is_active=True)


def new_families_spanish(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(_new(program, start, end).filter(_speaks("es")).distinct().count())


def new_families_not_english(program: Any, start: date, end: date) -> MeasureValue:
    others = Caregiver.objects.filter(is_active=True).exclude(preferred_language="en")
    return MeasureValue.count(
        _new(program, start, end).filter(pk__in=others.values("family_id")).count()
    )


MEASURES = [
    Measure("families.new", _("New families"), Unit.COUNT, new_families),
    Measure(
        "families.new_spanish",
        _("New families who speak Spanish"),
        Unit.COUNT,
        new_families_spanish,
    ),
    Measure(
        "families.new_not_english",
        _("New families with a caregiver who prefers a language other than English"),
        Unit.COUNT,
        new_families_not_english,
    ),
]
