"""A match's contacts, counted from the encounters app: the encounters between the match's
mentor and family since the day the match became active (entered in error left out).

The encounters app imports matching (an encounter's family link names its match), so matching
never imports encounters: the model is looked up by name (`apps.get_model`), and without the
encounters app a match simply has no contacts. The contacts decide two things here:

- the early fit check is due at the second contact, or `fit_check_days` (14) after the match
  became active, whichever comes first (`fit_check_due_on`; the daily run brings the stored
  date forward, `services.advance_fit_check`);
- the match page's early measures: contacts in the first 8 weeks against the practice of about
  4, and hours from the intake to the match against the program's target (48 by default).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import TruncDay
from django.utils import timezone

EARLY_WEEKS = 8
EARLY_TARGET = 4  # contacts in a match's first 8 weeks (Parent to Parent USA practice)
FIT_CHECK_CONTACTS = 2  # the early fit check is due at this contact at the latest


def _encounter_model() -> Any:
    try:
        return apps.get_model("encounters", "Encounter")
    except LookupError:
        return None


def day_start(moment: datetime) -> datetime:
    """The start of the (local) day: a contact logged on the day the match became active counts,
    even with a time a little before the click that started it."""
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def contacts_of(match: Any, *, weeks: int | None = None) -> QuerySet[Any] | None:
    """The match's counted contacts (None when it never became active or no encounters app):
    encounters of its program with both its mentor and its family, from the day it became
    active to its close (or the first `weeks` weeks)."""
    encounter = _encounter_model()
    if encounter is None or match.started_at is None:
        return None
    start = day_start(match.started_at)
    found = encounter.objects.filter(
        program_id=match.program_id,
        entered_in_error=False,
        occurred_at__gte=start,
        family_links__family_id=match.family_id,
        mentor_links__mentor_id=match.mentor_id,
    )
    if weeks is not None:
        found = found.filter(occurred_at__lt=start + timedelta(weeks=weeks))
    if match.closed_at is not None:
        found = found.filter(occurred_at__lte=match.closed_at)
    return found


def count_contacts(match: Any, *, weeks: int | None = None) -> int:
    found = contacts_of(match, weeks=weeks)
    return 0 if found is None else found.count()


def nth_contact_at(match: Any, n: int = FIT_CHECK_CONTACTS) -> datetime | None:
    """When the match's n-th contact happened (None before it)."""
    found = contacts_of(match)
    if found is None:
        return None
    return (
        found.order_by("occurred_at", "id").values_list("occurred_at", flat=True)[n - 1 : n].first()
    )


def with_second_contact(matches: QuerySet[Any]) -> QuerySet[Any]:
    """`second_contact_at` on each match of the queryset, in the same query (None before the
    second contact, or without the encounters app). Closed matches are not asked."""
    encounter = _encounter_model()
    if encounter is None:
        return matches.annotate(second_contact_at=Value(None, output_field=DateTimeField()))
    # From the start of the day the match became active, as `contacts_of`.
    contacts = (
        encounter.objects.filter(
            program_id=OuterRef("program_id"),
            entered_in_error=False,
            occurred_at__gte=OuterRef("active_day"),
            family_links__family_id=OuterRef("family_id"),
            mentor_links__mentor_id=OuterRef("mentor_id"),
        )
        .order_by("occurred_at", "id")
        .values("occurred_at")[FIT_CHECK_CONTACTS - 1 : FIT_CHECK_CONTACTS]
    )
    return matches.annotate(active_day=TruncDay("started_at")).annotate(
        second_contact_at=Subquery(contacts, output_field=DateTimeField())
    )


def fit_check_due_on(match: Any) -> date | None:
    """The day the early fit check is due: the second contact's day, or the stored date
    (`fit_check_days` after activation), whichever comes first."""
    due = match.fit_check_due
    if match.status != "active":
        return due
    second = nth_contact_at(match)
    if second is None:
        return due
    on = timezone.localdate(second)
    return on if due is None or on < due else due


@dataclass(frozen=True)
class EarlyMeasures:
    """What the match page shows of the first weeks."""

    started: bool
    contacts: int  # in the first EARLY_WEEKS weeks
    contacts_target: int
    weeks: int
    intake_at: datetime | None
    matched_at: datetime | None  # when the match became active
    hours: int | None  # from the intake to the match (so far, while it is not active)
    hours_target: int
    fit_check_due: date | None

    @property
    def contacts_below(self) -> bool:
        """Fewer contacts than the practice once the first weeks are over."""
        if not self.started or self.matched_at is None:
            return False
        over = day_start(self.matched_at) + timedelta(weeks=self.weeks) <= timezone.now()
        return over and self.contacts < self.contacts_target

    @property
    def hours_over(self) -> bool:
        return self.hours is not None and self.hours > self.hours_target


def intake_of(match: Any) -> Any:
    """The family's intake the match answers: the latest one done before the match was
    proposed (or, failing that, the first one after)."""
    from kindred.referrals.models import Intake

    intakes = Intake.objects.filter(referral__family_id=match.family_id)
    before = intakes.filter(done_at__lte=match.created_at).order_by("-done_at", "-id").first()
    return before or intakes.order_by("done_at", "id").first()


def early_measures(match: Any) -> EarlyMeasures:
    from kindred.matching.models import MatchSettings

    settings = MatchSettings.for_program(match.program_id)
    intake = intake_of(match)
    intake_at = intake.done_at if intake is not None else None
    hours = None
    if intake_at is not None:
        until = match.started_at
        if until is None and match.is_open:
            until = timezone.now()  # not active yet: the hours so far
        if until is not None:
            hours = max(0, int((until - intake_at).total_seconds() // 3600))
    return EarlyMeasures(
        started=match.started_at is not None,
        contacts=count_contacts(match, weeks=EARLY_WEEKS),
        contacts_target=EARLY_TARGET,
        weeks=EARLY_WEEKS,
        intake_at=intake_at,
        matched_at=match.started_at,
        hours=hours,
        hours_target=settings.target_hours,
        fit_check_due=fit_check_due_on(match),
    )
