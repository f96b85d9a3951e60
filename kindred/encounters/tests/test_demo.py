import time

import pytest
from django.core.management import call_command
from django.db.models import Count

from kindred.encounters.models import Encounter, EncounterFamily, EncounterSupport, FollowUp
from kindred.mentors.models import Escalation

pytestmark = pytest.mark.django_db


def test_the_demo_holds_six_months_of_the_seeds_size_and_loads_twice_the_same() -> None:
    from kindred.encounters import demo
    from kindred.lib.demo import DemoContext

    call_command("load_demo", "--quiet-logins")
    encounters = Encounter.objects.all()
    assert encounters.count() == demo.ENCOUNTERS
    program = encounters.first().program
    mentors = Encounter.mentors.through.objects.values("mentor_id").distinct().count()
    assert mentors == 3
    families = EncounterFamily.objects.values("family_id").distinct()
    from kindred.families.models import Child

    children = Child.objects.filter(family_id__in=families, is_active=True).count()
    assert 85 <= children <= 95
    settings = dict(encounters.values_list("setting").annotate(n=Count("id")))
    assert settings["inpatient"] > 80 and settings["outpatient"] > 40
    types = dict(EncounterSupport.objects.values_list("support_type").annotate(n=Count("id")))
    assert types["emotional"] > types["tangible"] > 0
    themes = dict(
        Encounter.themes.through.objects.values_list("theme__slug").annotate(n=Count("id"))
    )
    top = sorted(themes, key=themes.get, reverse=True)[:3]
    assert set(top) == {"care-coordination", "worry-stress", "self-care"}
    oldest = encounters.order_by("occurred_at").first().occurred_at
    assert (encounters.order_by("-occurred_at").first().occurred_at - oldest).days >= 150
    assert (
        FollowUp.objects.pending().exists()
        and FollowUp.objects.filter(done_at__isnull=False).exists()
    )
    assert Escalation.objects.filter(encounter__isnull=False, status="open").count() == 1
    counts = (Encounter.objects.count(), FollowUp.objects.count(), Escalation.objects.count())
    call_command("load_demo", "--quiet-logins")
    assert (
        Encounter.objects.count(),
        FollowUp.objects.count(),
        Escalation.objects.count(),
    ) == counts
    # Fast: the loader adds the encounters in a few bulk queries.
    Encounter.objects.filter(program=program).update(escalation=None)
    for model in (FollowUp, EncounterSupport, EncounterFamily):
        model.objects.all().delete()
    Encounter.mentors.through.objects.all().delete()
    for through in (
        Encounter.themes.through,
        Encounter.caregivers.through,
        Encounter.children.through,
    ):
        through.objects.all().delete()
    Escalation.objects.filter(encounter__isnull=False).delete()
    Encounter.objects.all().delete()
    from kindred.core.demo import build_base

    ctx: DemoContext = build_base(password="demo password 123")
    started = time.perf_counter()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        demo.load(ctx)
    assert Encounter.objects.count() == demo.ENCOUNTERS
    assert len(queries) < 60, len(queries)
    assert time.perf_counter() - started < 10


def test_the_demos_open_matches_have_their_first_contacts_linked() -> None:
    from kindred.encounters.panels import match_contacts
    from kindred.matching.models import Match

    call_command("load_demo", "--quiet-logins")
    open_matches = list(Match.objects.filter(status__in=["active", "introduced"]))
    assert {m.status for m in open_matches} == {"active", "introduced"}
    for match in open_matches:
        links = EncounterFamily.objects.filter(match=match).select_related("encounter")
        assert links, match
        for link in links:
            assert link.family_id == match.family_id
            assert list(link.encounter.mentors.all()) == [match.mentor]
            assert not link.encounter.entered_in_error
        if match.status == "active":
            # Since the day the match began: the match page counts them in its first 8 weeks.
            assert match_contacts(match)["early"] == links.count() >= 2
    linked = EncounterFamily.objects.filter(match__isnull=False).count()
    assert linked == sum(2 if m.status == "active" else 1 for m in open_matches)
    assert Encounter.objects.count() == 203
    # No encounter was logged before it happened.
    assert not [e for e in Encounter.objects.all() if e.created_at < e.occurred_at]
