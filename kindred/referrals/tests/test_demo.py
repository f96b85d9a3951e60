from collections import Counter

from kindred.core.demo import build_base
from kindred.referrals import demo
from kindred.referrals.models import Notification, Referral
from kindred.referrals.status import Status


def test_it_loads_demo_referrals_in_every_status_once(db):
    ctx = build_base(password="demo-password-for-tests")
    demo.load(ctx)
    demo.load(ctx)
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert Referral.objects.count() == len(demo.DEMO)
    assert Referral.objects.overdue().exists()
    overdue = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert overdue.count() == Referral.objects.overdue().count() * 2  # coordinator + supervisor
