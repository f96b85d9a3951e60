"""Who is due a survey, found from the records of the apps below (none of them knows surveys
exist): an intake done (baseline), a match at its early fit check or closed, a family at its
third session of a group, and once a year a random sample of the program's families (each
asked at most once in 365 days, none asked this survey in the last 90) and every active mentor.

`send_due()` is idempotent: each occasion is an invitation under a unique constraint
(`surveys_invitation_family_once` / `_mentor_once`), so running it twice, or twice at once, asks
nobody twice. Occasions older than `WINDOW` are not asked, so turning a survey on does not
write to every family the program ever had.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from kindred.families.consent import Scope, with_consent
from kindred.families.models import Caregiver, Family
from kindred.groups.models import Attendance, SupportGroup
from kindred.matching.models import Match
from kindred.mentors.models import Mentor
from kindred.referrals.models import Intake
from kindred.surveys.models import Audience, Invitation, Occasion, SampleDraw, Survey
from kindred.surveys.services import invitation_create

WINDOW = timedelta(days=30)
YEAR = timedelta(days=365)
RECENT = timedelta(days=90)  # a family asked lately is left out of the yearly sample
GROUP_SESSIONS = 3  # "after a group's third session": the family came three times


@dataclass(frozen=True)
class Due:
    occasion_key: str
    family_id: int | None = None
    mentor_id: int | None = None
    match_id: int | None = None
    group_id: int | None = None


def _family_due(survey: Survey, occasion: str, now: datetime) -> Iterator[Due]:
    program_id = survey.program_id
    since = now - WINDOW
    if occasion == Occasion.INTAKE:
        for referral_id, family_id in Intake.objects.filter(
            referral__program_id=program_id, done_at__gte=since, referral__family__isnull=False
        ).values_list("referral_id", "referral__family_id"):
            yield Due(f"referral:{referral_id}", family_id=family_id)
    elif occasion == Occasion.FIT_CHECK:
        today = timezone.localdate(now)
        for match_id, family_id in Match.objects.filter(
            program_id=program_id,
            status=Match.Status.ACTIVE,
            fit_check_due__lte=today,
            fit_check_due__gt=today - WINDOW,
        ).values_list("pk", "family_id"):
            yield Due(f"match:{match_id}", family_id=family_id, match_id=match_id)
    elif occasion == Occasion.MATCH_CLOSE:
        for match_id, family_id in _closed_matches(program_id, since).values_list(
            "pk", "family_id"
        ):
            yield Due(f"match:{match_id}", family_id=family_id, match_id=match_id)
    elif occasion == Occasion.GROUP_THIRD:
        rows = (
            Attendance.objects.filter(
                session__group__program_id=program_id, present=True, session__starts_at__lte=now
            )
            .values("session__group_id", "family_id")
            .annotate(n=Count("session", distinct=True), last=Max("session__starts_at"))
            .filter(n__gte=GROUP_SESSIONS, last__gte=since)
        )
        for row in rows:
            group_id = row["session__group_id"]
            yield Due(f"group:{group_id}", family_id=row["family_id"], group_id=group_id)


def _closed_matches(program_id: int, since: datetime) -> Any:
    return Match.objects.filter(
        program_id=program_id, status=Match.Status.CLOSED, closed_at__gte=since
    ).exclude(close_reason="entered_in_error")


def _yearly_families(survey: Survey, now: datetime) -> list[Due]:
    """The year's random sample, drawn once (the SampleDraw row is claimed in the caller's
    transaction): active families who may be contacted, were not asked in the last 365 days
    and did not decline this survey."""
    year = timezone.localdate(now).year
    _draw, created = SampleDraw.objects.get_or_create(survey=survey, year=year)
    if not created:
        return []
    # Once a year at most, and not on top of another invitation of this survey lately.
    asked = (
        Invitation.objects.filter(survey=survey, family__isnull=False)
        .filter(
            Q(occasion=Occasion.YEARLY, created_at__gt=now - YEAR) | Q(created_at__gt=now - RECENT)
        )
        .values("family_id")
    )
    candidates = (
        with_consent(Family.objects.filter(program_id=survey.program_id).open(), Scope.CONTACT)
        .exclude(pk__in=asked)
        .exclude(pk__in=_declined(survey))
    )
    ids = sorted(candidates.values_list("pk", flat=True))
    # Seeded by survey and year: a rerun after a failure draws the same families.
    chosen = random.Random(f"{survey.pk}:{year}").sample(
        ids, min(len(ids), survey.yearly_sample_size)
    )
    SampleDraw.objects.filter(survey=survey, year=year).update(size=len(chosen))
    return [Due(f"yearly:{year}", family_id=pk) for pk in sorted(chosen)]


def _mentor_due(survey: Survey, occasion: str, now: datetime) -> list[Due]:
    if occasion == Occasion.MATCH_CLOSE:
        return [
            Due(f"match:{pk}", mentor_id=mentor_id, match_id=pk)
            for pk, mentor_id in _closed_matches(survey.program_id, now - WINDOW).values_list(
                "pk", "mentor_id"
            )
        ]
    if occasion == Occasion.YEARLY:
        year = timezone.localdate(now).year
        _draw, created = SampleDraw.objects.get_or_create(survey=survey, year=year)
        if not created:
            return []
        return [
            Due(f"yearly:{year}", mentor_id=pk)
            for pk in Mentor.objects.filter(
                program_id=survey.program_id, status=Mentor.Status.ACTIVE
            ).values_list("pk", flat=True)
        ]
    return []


def _declined(survey: Survey) -> Any:
    return Invitation.objects.filter(survey=survey, declined_at__isnull=False)


def _family_contacts(family_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each active family's e-mail and language (the primary caregiver first), for the families
    that may be contacted."""
    allowed = set(
        with_consent(Family.objects.filter(pk__in=family_ids).open(), Scope.CONTACT).values_list(
            "pk", flat=True
        )
    )
    found: dict[int, tuple[str, str]] = {}
    caregivers = (
        Caregiver.objects.filter(family_id__in=allowed)
        .exclude(email="")
        .order_by("family_id", "-is_primary", "id")
        .values_list("family_id", "email", "preferred_language")
    )
    for family_id, email, language in caregivers:
        found.setdefault(family_id, (email, language))
    return found


def _send(survey: Survey, occasion: str, due: list[Due], now: datetime) -> int:
    if not due:
        return 0
    person = "family_id" if survey.audience == Audience.FAMILY else "mentor_id"
    asked = set(
        Invitation.objects.filter(survey=survey, occasion=occasion).values_list(
            "occasion_key", person
        )
    )
    declined = set(_declined(survey).values_list(person, flat=True))
    due = [
        d
        for d in due
        if (d.occasion_key, getattr(d, person)) not in asked and getattr(d, person) not in declined
    ]
    if survey.audience == Audience.FAMILY:
        contacts = _family_contacts({d.family_id for d in due if d.family_id})
    else:
        contacts = {
            m.pk: (m.email, m.preferred_language)
            for m in Mentor.objects.filter(pk__in={d.mentor_id for d in due}).exclude(email="")
        }
    sent = 0
    for d in due:
        contact = contacts.get(getattr(d, person))
        if contact is None:
            continue  # no e-mail, or no consent to be contacted: nobody to ask
        invitation = invitation_create(
            survey=survey,
            occasion=occasion,
            occasion_key=d.occasion_key,
            email=contact[0],
            language=contact[1],
            family=_ref(Family, d.family_id),
            mentor=_ref(Mentor, d.mentor_id),
            match=_ref(Match, d.match_id),
            group=_ref(SupportGroup, d.group_id),
            now=now,
        )
        sent += invitation is not None
    return sent


def _ref(model: Any, pk: int | None) -> Any:
    return model(pk=pk) if pk else None


def send_due(*, now: datetime | None = None, program: Any = None) -> int:
    """Ask everyone who is due a survey; the number of invitations sent."""
    now = now or timezone.now()
    surveys = Survey.objects.filter(is_active=True, program__is_active=True).select_related(
        "program"
    )
    if program is not None:
        surveys = surveys.filter(program=program)
    sent = 0
    for survey in surveys:
        for occasion in survey.occasions:
            try:
                with transaction.atomic():
                    if survey.audience == Audience.MENTOR:
                        due = _mentor_due(survey, occasion, now)
                    elif occasion == Occasion.YEARLY:
                        due = _yearly_families(survey, now)
                    else:
                        due = list(_family_due(survey, occasion, now))
                    sent += _send(survey, occasion, due, now)
            except IntegrityError:
                continue  # another run drew this year's sample at the same moment
    return sent
