"""The program report's support group numbers (issue 12), from the groups
app's own measures (`groups/measures.py`, no second calculation): sessions held, attendance, the
families who came, and how group and one-to-one support overlap. Five aggregate queries
whatever the number of sessions and families.

- A session is *held* in the period when it started in it and its attendance was taken.
- *Attendance* counts the present marks at those sessions; *families in groups* the distinct
  families present at least once.
- A family is *in one-to-one support* in the period when one of its matches was active for
  part of it: started before the period's end and not closed before its start (a match closed
  as entered in error never counts).
"""

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from kindred.families.models import Family
from kindred.groups import measures
from kindred.lib.measures import period_bounds
from kindred.matching.models import Match


def group_numbers(program: Any, start: date, end: date) -> dict[str, int]:
    lo, hi = period_bounds(start, end)
    sessions = measures.held(program, start, end)
    present = measures.present(program, start, end)
    one_to_one = (
        Match.objects.filter(
            program=program, family_id=OuterRef("pk"), started_at__isnull=False, started_at__lt=hi
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=lo))
        .exclude(close_reason="entered_in_error")
    )
    families = Family.objects.filter(program=program).annotate(
        in_group=Exists(present.filter(family_id=OuterRef("pk"))),
        matched=Exists(one_to_one),
    )
    split = families.filter(Q(in_group=True) | Q(matched=True)).aggregate(
        groups=Count("id", filter=Q(in_group=True)),
        one_to_one=Count("id", filter=Q(matched=True)),
        both=Count("id", filter=Q(in_group=True, matched=True)),
    )
    return {
        "sessions": sessions.count(),
        "attendances": present.count(),
        "walk_ins": present.filter(walk_in=True).count(),
        "families": split["groups"],
        "one_to_one": split["one_to_one"],
        "both": split["both"],
        "groups_only": split["groups"] - split["both"],
    }
