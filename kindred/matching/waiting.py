"""The waiting list: every family whose intake asked for one-to-one support and who has no
active match, with the time waited against the program's match target."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from kindred.families.models import Family
from kindred.lib.languages import language_name
from kindred.matching.models import Match, MatchSettings
from kindred.matching.profiles import ONE_TO_ONE
from kindred.referrals.models import Intake
from kindred.referrals.status import OPEN as REFERRAL_OPEN

# Closes after which the family is not waiting any more (the support ended); a match closed
# as not a good fit, by the mentor, or in error sends the family back to the list.
SUPPORT_ENDED = ["goals_met", "family_ended", "unable_to_reach", "duration_reached"]


@dataclass
class Waiting:
    family: Family
    intake: Intake
    since: datetime
    due: datetime
    open_match: Match | None

    @property
    def overdue(self) -> bool:
        return timezone.now() > self.due

    @property
    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.family.languages.split()]

    @property
    def hours_waited(self) -> int:
        return int((timezone.now() - self.since).total_seconds() // 3600)

    @property
    def hours_left(self) -> int:
        return int((self.due - timezone.now()).total_seconds() // 3600)


def waiting_families(
    program: Any,
    *,
    language: str = "",
    zip_prefix: str = "",
    limit: int | None = None,
    with_matches: bool = True,
) -> list[Waiting]:
    """Overdue first, then the longest waiting (three queries; two without the open match of
    each family, which the home page's count does not need)."""
    settings = MatchSettings.for_program(program)
    target = timedelta(hours=settings.target_hours)
    active = Match.objects.filter(family_id=OuterRef("referral__family_id"), status="active")
    ended = Match.objects.filter(
        family_id=OuterRef("referral__family_id"), status="closed", close_reason__in=SUPPORT_ENDED
    )
    intakes = (
        Intake.objects.filter(
            referral__program=program,
            referral__status__in=REFERRAL_OPEN,
            referral__family__status=Family.Status.ACTIVE,
        )
        .exclude(Exists(active))
        .exclude(Exists(ended))
        .select_related("referral__family")
        .order_by("referral__family_id", "-done_at", "-id")
    )
    if language:
        intakes = intakes.filter(referral__family__languages__contains=f" {language} ")
    if zip_prefix:
        intakes = intakes.filter(referral__family__zip_code__startswith=zip_prefix)
    latest: dict[int, Intake] = {}
    for intake in intakes:
        latest.setdefault(intake.referral.family_id, intake)
    wanted = {fid: i for fid, i in latest.items() if i.support_wanted in ONE_TO_ONE}
    open_matches: dict[int, Match] = {}
    for match in (
        ()
        if not with_matches
        else (
            Match.objects.filter(family_id__in=wanted, status__in=Match.OPEN)
            .select_related("mentor")
            .order_by("-status_changed_at")
        )
    ):
        open_matches.setdefault(match.family_id, match)
    rows = [
        Waiting(
            family=intake.referral.family,
            intake=intake,
            since=intake.done_at,
            due=intake.done_at + target,
            open_match=open_matches.get(fid),
        )
        for fid, intake in wanted.items()
    ]
    now = timezone.now()
    rows.sort(key=lambda w: (not now > w.due, w.since, w.family.pk))
    return rows[:limit] if limit else rows
