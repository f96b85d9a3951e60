"""Results: rates, baseline against follow-up in pairs, satisfaction by mentor and group only
from 5 answers, free text for coordinators only, the de-identified export, the measures, and
every read and export audited."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.groups.tests.factories import make_family, make_group
from kindred.lib.measures import all_measures
from kindred.surveys.models import Invitation, Survey
from kindred.surveys.results import paired, satisfaction
from kindred.surveys.tests.factories import answer, invite, starters

pytestmark = pytest.mark.django_db


def pair(survey, family, before: int, after: int, occasion: str = "match_close", **extra):
    baseline, _t = invite(survey, family=family, occasion="intake", days_ago=60)
    answer(baseline, {"less_alone": before, "confident_caring": 3})
    follow, _t = invite(survey, family=family, occasion=occasion, **extra)
    answer(follow, {"less_alone": after, "satisfied_support": 5, "anything_else": "Secret note"})
    return follow


def test_baseline_and_follow_up_are_compared_in_pairs(world) -> None:
    survey, _ = starters(world.program_a)
    for before, after in [(2, 4), (3, 3), (1, 5)]:
        pair(survey, make_family(world.program_a, world.coordinator), before, after)
    lonely = make_family(world.program_a, world.coordinator)  # a baseline only: no pair
    only, _t = invite(survey, family=lonely, occasion="intake")
    answer(only, {"less_alone": 1})
    found = {p.item.code: p for p in paired(survey)}
    less_alone = found["less_alone"]
    assert less_alone.pairs == 3
    assert less_alone.baseline == pytest.approx(2.0)
    assert less_alone.follow_up == pytest.approx(4.0)
    assert less_alone.improved == 2
    assert found["confident_caring"].pairs == 0  # never asked again at follow-up


def test_satisfaction_by_mentor_or_group_shows_only_from_five_answers(world) -> None:
    survey, _ = starters(world.program_a)
    big = make_group(world.program_a, world.coordinator, name="Big circle")
    small = make_group(world.program_a, world.coordinator, name="Small circle")
    for _n in range(5):
        pair(
            survey, make_family(world.program_a, world.coordinator), 2, 4, "group_third", group=big
        )
    for _n in range(4):
        pair(
            survey,
            make_family(world.program_a, world.coordinator),
            2,
            4,
            "group_third",
            group=small,
        )
    result = satisfaction(survey)
    assert [c.label.split(" (#")[0] for c in result["groups"]] == ["Big circle"]
    assert result["groups"][0].answers == 5
    assert result["groups_hidden"] == 1


def test_the_results_page_is_for_coordinators_and_supervisors_and_audited(world) -> None:
    survey, _ = starters(world.program_a)
    pair(survey, make_family(world.program_a, world.coordinator), 2, 4)
    url = reverse("surveys:results", args=[survey.pk])
    for persona in ("coordinator", "supervisor"):
        response = world.client(persona).get(url)
        assert response.status_code == 200
        assert "1 pair" in response.content.decode()
        assert "Secret note" not in response.content.decode()
    assert AuditEvent.objects.filter(action="surveys.results.viewed").count() == 2
    assert world.client("mentor").get(url).status_code == 403
    assert world.client("evaluator").get(url).status_code == 403
    assert world.client("outsider").get(url).status_code == 404


def test_free_text_is_for_coordinators_only_and_each_read_audited(world) -> None:
    survey, _ = starters(world.program_a)
    pair(survey, make_family(world.program_a, world.coordinator), 2, 4)
    url = reverse("surveys:comments", args=[survey.pk])
    response = world.client("coordinator").get(url)
    assert response.status_code == 200 and "Secret note" in response.content.decode()
    event = AuditEvent.objects.get(action="surveys.answer.viewed")
    assert event.fields == ["text"]
    assert world.client("supervisor").get(url).status_code == 403
    assert world.client("outsider").get(url).status_code == 404


def test_the_export_is_de_identified_and_audited(world) -> None:
    survey, _ = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Zamora")
    pair(survey, family, 2, 4)
    response = world.client("evaluator").get(reverse("surveys:export", args=[survey.pk]))
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["person", "occasion", "follow_up", "year", "language"]
    assert "anything_else" not in header  # no free text
    assert len(body) == 2 and body[0][0] == body[1][0]  # one person code pairs the two
    assert {r[3] for r in body} == {str(timezone.now().year)}  # the year, never the date
    assert not {"family", "mentor", "match", "group", "id"} & set(header)
    for secret in ("Secret note", "Zamora", "@example.test"):
        assert secret not in content
    assert AuditEvent.objects.filter(action="surveys.answer.exported").count() == 1
    # A mentor holds the capability nowhere (403); another program's coordinator sees no survey.
    assert (
        world.client("mentor").get(reverse("surveys:export", args=[survey.pk])).status_code == 403
    )
    assert (
        world.client("outsider").get(reverse("surveys:export", args=[survey.pk])).status_code == 404
    )


def test_the_measures_count_the_raw_rows(world) -> None:
    survey, _ = starters(world.program_a)
    for before, after in [(2, 4), (3, 5), (4, 2)]:
        pair(survey, make_family(world.program_a, world.coordinator), before, after)
    invite(survey, family=make_family(world.program_a, world.coordinator), occasion="yearly")
    measures = all_measures()
    today = timezone.localdate()
    # The factory answers an hour after sending: the period runs to the day after tomorrow.
    start, end = today - timedelta(days=90), today + timedelta(days=2)
    rate = measures["surveys.response_rate"].value(world.program_a, start, end)
    sent = Invitation.objects.filter(program=world.program_a)
    assert (
        (rate.numerator, rate.denominator)
        == (
            sent.filter(answered_at__isnull=False).count(),
            sent.count(),
        )
        == (6, 7)
    )
    less_alone = measures["surveys.less_alone_follow_up"].value(world.program_a, start, end)
    assert (less_alone.numerator, less_alone.denominator) == (2, 3)
    assert (
        measures["surveys.less_alone_follow_up"].value(world.program_b, start, end).denominator == 0
    )


def test_the_survey_list_and_results_keep_their_query_count(world) -> None:
    survey, _ = starters(world.program_a)
    client = world.client("coordinator")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pair(survey, make_family(world.program_a, world.coordinator), 2, 4)
    urls = [
        reverse("surveys:list"),
        reverse("surveys:results", args=[survey.pk]),
        reverse("surveys:detail", args=[survey.pk]),
    ]
    [count(u) for u in urls]  # the signed-in person's record is cached by the first request
    before = [count(u) for u in urls]
    group = make_group(world.program_a, world.coordinator)
    for _n in range(6):
        pair(
            survey,
            make_family(world.program_a, world.coordinator),
            2,
            4,
            "group_third",
            group=group,
        )
    Survey.objects.create(
        program=world.program_a, key="extra", title="Extra", title_es="Extra", audience="family"
    )
    after = [count(u) for u in urls]
    assert after == before, (before, after)
    assert max(after) <= 30


def test_a_coordinator_defines_a_survey_and_its_items(world) -> None:
    client = world.client("coordinator")
    bad = client.post(
        reverse("surveys:new"), {"title": "", "audience": "mentor", "occasions": ["intake"]}
    )
    assert bad.status_code == 400
    assert not Survey.objects.exists()
    response = client.post(
        reverse("surveys:new"),
        {
            "title": "Siblings",
            "title_es": "Hermanos",
            "audience": "family",
            "occasions": ["yearly"],
            "yearly_sample_size": 10,
            "is_active": "on",
        },
    )
    survey = Survey.objects.get(title="Siblings")
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])
    item_url = reverse("surveys:item_new", args=[survey.pk])
    assert (
        client.post(
            item_url,
            {"kind": "choice", "text": "Who?", "text_es": "¿Quién?", "choice_lines": "Only one"},
        ).status_code
        == 400
    )
    assert (
        client.post(
            item_url,
            {
                "kind": "choice",
                "text": "Who?",
                "text_es": "¿Quién?",
                "choice_lines": "Brother | Hermano\nSister | Hermana",
            },
        ).status_code
        == 302
    )
    item = survey.items.get()
    assert item.choices[1] == {"value": "2", "en": "Sister", "es": "Hermana"}
    assert client.post(reverse("surveys:item_retire", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert not item.is_active
    assert (
        world.client("outsider").post(reverse("surveys:item_retire", args=[item.pk])).status_code
        == 404
    )
    assert (
        world.client("supervisor")
        .post(item_url, {"kind": "text", "text": "x", "text_es": "x"})
        .status_code
        == 403
    )


def test_the_survey_measures_join_the_program_report(world) -> None:
    survey, _ = starters(world.program_a)
    for before, after in [(2, 4), (3, 5)]:
        pair(survey, make_family(world.program_a, world.coordinator), before, after)
    today = timezone.localdate()
    query = {"start": (today - timedelta(days=90)).isoformat(), "end": today.isoformat()}
    response = world.client("coordinator").get("/reports/", query)
    assert response.status_code == 200
    html = response.content.decode()
    keys = [k for k in all_measures() if k.startswith("surveys.")]
    assert "surveys.less_alone_follow_up" in keys
    for key in keys:  # the report's table of every measure: the same Measure, not a copy
        assert f"<code>{key}</code>" in html, key
    assert "Secret note" not in html  # no free text in the report
