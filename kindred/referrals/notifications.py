"""Notifications about referrals: an in-app notice for each recipient, and an e-mail sent after
commit through the Tasks API, rendered in the recipient's language. E-mail carries no health
information: only the referral's reference and a link."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from kindred.accounts.models import User
from kindred.lib import summary
from kindred.programs.models import Role
from kindred.referrals.models import Notification, Referral


def program_people(program_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__program_id=program_id,
            memberships__role__in=list(roles),
            memberships__is_active=True,
        ).distinct()
    )


def notify(
    *, referral: Referral, recipients: Iterable[User], kind: str, status: str = ""
) -> list[Notification]:
    """Create the notices now; e-mail them once the surrounding transaction commits."""
    rows = [
        Notification(recipient=user, referral=referral, kind=kind, status=status)
        for user in {u.pk: u for u in recipients}.values()
    ]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    forget_unread(row.recipient_id for row in rows)
    ids = [n.pk for n in created if n.pk]
    transaction.on_commit(lambda: send_notification_emails.enqueue(notification_ids=ids))
    return created


def escalate_once(referral: Referral) -> list[Notification]:
    """One escalation per overdue referral, to its coordinators and supervisors. Returns []
    when the referral was already escalated (by this or a concurrent run)."""
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=referral.pk, escalated_at__isnull=True).update(
            escalated_at=timezone.now()
        )
        if not claimed:
            return []
        people = program_people(referral.program_id, [Role.COORDINATOR, Role.SUPERVISOR])
        return notify(referral=referral, recipients=people, kind=Notification.Kind.OVERDUE)


def link_for(notification: Notification) -> str:
    """Staff open the referral; the referrer opens their status page."""
    referral = notification.referral
    if referral.referred_by_id == notification.recipient_id and notification.kind == (
        Notification.Kind.STATUS_CHANGED
    ):
        return reverse("referrals:sent_detail", args=[referral.pk])
    return reverse("referrals:detail", args=[referral.pk])


def text_for(notification: Notification) -> str:
    from django.utils.translation import gettext as _

    from kindred.referrals.status import Status

    ref = notification.referral.reference
    if notification.kind == Notification.Kind.NEW_REFERRAL:
        return _("New referral %(ref)s is waiting for first contact.") % {"ref": ref}
    if notification.kind == Notification.Kind.OVERDUE:
        return _("First contact for referral %(ref)s is overdue.") % {"ref": ref}
    label = Status(notification.status).label if notification.status in Status.values else ""
    return _("Referral %(ref)s is now: %(status)s.") % {"ref": ref, "status": label}


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient", "referral"):
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            continue
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            context = {
                "text": text_for(notification),
                "link": settings.SITE_URL + link_for(notification),
                "name": recipient.get_short_name(),
            }
            subject = render_to_string("referrals/email/notification_subject.txt", context)
            body = render_to_string("referrals/email/notification_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [recipient.email], fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@task()
def escalate_overdue() -> int:
    """Escalate every overdue referral not escalated yet (a cron or db_worker runs this)."""
    count = 0
    for referral in (
        Referral.objects.overdue()
        .filter(escalated_at__isnull=True)
        .only("pk", "program_id", "referred_by_id")
    ):
        if escalate_once(referral):
            count += 1
    return count


def _unread(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


# The home page's count of a person's unread notices, kept in the shared cache with the cards'
# summaries (one read for all): forgotten when notices are created or read, and after 30 s
# whatever happens (a referral deleted takes its notices with it).
summary.register_personal("notifications", _unread)


def forget_unread(user_ids: Iterable[int]) -> None:
    summary.forget_personal("notifications", user_ids)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return int(summary.personal("notifications", user.pk))
