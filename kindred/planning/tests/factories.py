from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kindred.families.models import Family
from kindred.groups.tests.factories import make_family
from kindred.planning.models import Objective
from kindred.planning.services import objective_save, plan_for


def family_on(program: Any, by: Any, when: datetime, *, notes: str = "") -> Family:
    family = make_family(program, by)
    Family.objects.filter(pk=family.pk).update(created_at=when, notes=notes)
    return family


def objective(
    program: Any, by: Any, key: str, target: str, *, title: str = "", comparison: str = "at_least"
) -> Objective:
    return objective_save(
        objective=Objective(
            plan=plan_for(program),
            title=title or f"Objective on {key}",
            measure_key=key,
            comparison=comparison,
            target=Decimal(target),
        ),
        by=by,
        fields=["title"],
    )


def aware(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))
