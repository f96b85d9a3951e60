"""Called by kindred.families.services.family_merge inside its transaction: the merged
family's registrations, attendance and calendar link follow it to the record that is kept.
Where both records were in the same group or at the same session, the kept record's row stays
and the merged one's is cancelled (registration) or dropped into the kept one (attendance); the
merged record's calendar link is revoked."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.groups.models import Attendance, CalendarFeed, Registration
from kindred.groups.services import registration_cancel


def reassign(*, keep: Any, merged: Any) -> None:
    kept_groups = set(
        Registration.objects.active().filter(family=keep).values_list("group_id", flat=True)
    )
    for registration in Registration.objects.active().filter(family=merged).select_related("group"):
        if registration.group_id in kept_groups:
            registration_cancel(
                registration=registration, by=None, reason=_("Family records merged")
            )
    Registration.objects.filter(family=merged).exclude(
        status__in=["registered", "waitlisted"], group_id__in=kept_groups
    ).update(family=keep)
    kept_sessions = set(Attendance.objects.filter(family=keep).values_list("session_id", flat=True))
    Attendance.objects.filter(family=merged, session_id__in=kept_sessions).delete()
    Attendance.objects.filter(family=merged).update(family=keep)
    # The merged record's secret link stops working; the row (history) follows the family.
    CalendarFeed.objects.filter(family=merged, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    CalendarFeed.objects.filter(family=merged).update(family=keep)
