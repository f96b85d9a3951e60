import pytest
from django.core.management import call_command

from kindred.groups.models import Attendance, GroupSession, Registration, SupportGroup
from kindred.groups.schedule import next_occurrences

pytestmark = pytest.mark.django_db


def test_the_demo_has_three_groups_with_six_months_of_sessions_and_loads_twice_the_same() -> None:
    call_command("load_demo", "--quiet-logins")
    counts = (
        SupportGroup.objects.count(),
        GroupSession.objects.count(),
        Attendance.objects.count(),
        Registration.objects.count(),
    )
    call_command("load_demo", "--quiet-logins")
    again = (
        SupportGroup.objects.count(),
        GroupSession.objects.count(),
        Attendance.objects.count(),
        Registration.objects.count(),
    )
    assert again == counts
    names = set(SupportGroup.objects.values_list("name", flat=True))
    assert names == {"NICU parents", "Familias en español", "Bereaved parents"}
    nicu = SupportGroup.objects.get(name="NICU parents")
    assert nicu.sessions.filter(attendance__isnull=False).distinct().count() >= 20  # weekly
    assert GroupSession.objects.filter(status="cancelled").count() == 3
    assert all(next_occurrences(g, 1) for g in SupportGroup.objects.all())
    assert Registration.objects.filter(status="waitlisted").exists()  # bereaved: 3 places
