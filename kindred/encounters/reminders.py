"""Reminders of follow-ups due: one e-mail per mentor per day, naming how many are due (a link
only: no family, no health information), each follow-up reminded once (`reminded_on`), so
running the command twice sends nothing new."""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kindred.encounters.models import FollowUp
from kindred.encounters.notices import remind_follow_ups


def send_follow_up_reminders(on: date | None = None) -> int:
    """Send the reminders due `on` (today); returns how many follow-ups were reminded."""
    on = on or timezone.localdate()
    with transaction.atomic():
        # Locked (and skipped when locked), so two runs at once never remind one follow-up twice.
        due = list(
            FollowUp.objects.pending()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(due_on__lte=on, reminded_on__isnull=True, mentor__isnull=False)
            .filter(program__is_active=True)
            .select_related("mentor", "mentor__user")
            .order_by("mentor_id", "due_on", "id")
        )
        by_mentor: dict[int, list[FollowUp]] = defaultdict(list)
        for follow_up in due:
            if follow_up.mentor is not None:
                by_mentor[follow_up.mentor.pk].append(follow_up)
        for items in by_mentor.values():
            mentor = items[0].mentor
            assert mentor is not None
            user = mentor.user
            remind_follow_ups(
                to=user.email if user is not None else mentor.email,
                language=(user.language if user is not None else "") or mentor.preferred_language,
                count=len(items),
                url=reverse("encounters:follow_ups"),
            )
        FollowUp.objects.filter(pk__in=[f.pk for f in due]).update(reminded_on=on)
    return len(due)
