"""The themes table rolls sub-themes up into their theme: a theme counts the encounters tagged
with it or with any of its sub-themes, each encounter once, and its sub-themes follow it with
their own counts. Checked against the planted rows (computed here, not with the report's code)."""

from datetime import datetime, time, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from kindred.core.testing.personas import signed_in
from kindred.encounters.codebook import ensure_codebook
from kindred.encounters.models import Encounter, EncounterFamily, EncounterMentor, Theme
from kindred.evaluation import report
from kindred.matching.tests.factories import waiting_family
from kindred.mentors.tests.factories import make_active

pytestmark = pytest.mark.django_db

# Each encounter's tags (slugs of the starter codebook): the theme alone, a sub-theme alone,
# the theme and a sub-theme, both sub-themes, nothing of it.
TAGS = [
    ["transitions"],
    ["transition-nicu-home"],
    ["transition-nicu-home"],
    ["transitions", "transition-nicu-home"],
    ["transition-nicu-home", "transition-adult-care"],
    ["transition-adult-care", "grief-loss"],
    ["care-coordination"],
    ["care-coordination", "worry-stress"],
    [],
]


@pytest.fixture
def planted(world):
    program = world.program_a
    ensure_codebook(program)
    mentor = make_active(program, world.coordinator, full_name="Theme Mentor", email="tm@a.test")
    family = waiting_family(world, name="Themefamily")
    themes = {t.slug: t for t in Theme.objects.filter(program=program)}
    day = timezone.localdate() - timedelta(days=3)
    for k, slugs in enumerate(TAGS):
        e = Encounter.objects.create(
            program=program,
            occurred_at=timezone.make_aware(datetime.combine(day, time(9 + k))),
            duration_minutes=30,
            setting="inpatient",
            mode="in_person",
            initiated_by="mentor",
            created_by=world.coordinator,
        )
        EncounterFamily.objects.create(encounter=e, family=family)
        EncounterMentor.objects.create(encounter=e, mentor=mentor)
        e.themes.set([themes[s] for s in slugs])
    return {"themes": themes, "start": day, "end": day + timedelta(days=1)}


def expected(themes: dict[str, Theme]) -> dict[str, int]:
    parent_of = {
        slug: (t.parent.slug if t.parent_id else slug)  # type: ignore[union-attr]
        for slug, t in themes.items()
    }
    counts: dict[str, int] = {}
    for slugs in TAGS:
        for slug in set(slugs) | {parent_of[s] for s in slugs}:
            counts[slug] = counts.get(slug, 0) + 1
    return counts


def test_a_theme_counts_its_sub_themes_encounters_once(world, planted):
    themes = planted["themes"]
    by_pk = {str(t.pk): t for t in themes.values()}
    result = report.build(world.program_a, planted["start"], planted["end"])
    breakdown = result.breakdowns["themes"]
    counts = {by_pk[key].slug: n for key, _label, n in breakdown.rows if n}
    assert counts == expected(themes)
    assert counts["transitions"] == 6  # rows 0-5: the theme or any sub-theme, each once
    assert counts["transition-nicu-home"] == 4
    assert breakdown.base == len(TAGS)
    # Sub-themes follow their theme, and only they are marked as sub-rows.
    keys = [key for key, _label, _n in breakdown.rows]
    for key in keys:
        theme = by_pk[key]
        assert (key in breakdown.subrows) == (theme.parent_id is not None)
    for above, below in pairwise(keys):
        if below in breakdown.subrows:
            assert by_pk[below].parent_id in {by_pk[above].pk, by_pk[above].parent_id}
    assert keys.index(str(themes["transitions"].pk)) == 0  # the largest count comes first


def test_the_page_shows_sub_themes_under_their_theme(client, world, planted):
    themes = planted["themes"]
    signed_in(client, world.coordinator)
    html = client.get(
        "/reports/",
        {"start": planted["start"].isoformat(), "end": planted["start"].isoformat()},
    ).content.decode()
    section = html[html.index('id="section-themes"') :]
    section = section[: section.index("</section>")]
    parent = section.index(f'<th scope="row">{themes["transitions"].name}</th><td>6')
    child = section.index(f"↳ </span>{themes['transition-nicu-home'].name}")
    assert parent < child
    assert section.count('<tr class="subtheme">') == 2
    assert "(a sub-theme of the theme above)" in section


def test_a_retired_theme_with_counts_keeps_its_sub_themes_row(world, planted):
    themes = planted["themes"]
    Theme.objects.filter(pk=themes["transitions"].pk).update(is_active=False)
    result = report.build(world.program_a, planted["start"], planted["end"])
    counts = {key: n for key, _label, n in result.breakdowns["themes"].rows}
    assert counts[str(themes["transitions"].pk)] == 6
    assert str(themes["transition-adult-care"].pk) in result.breakdowns["themes"].subrows
