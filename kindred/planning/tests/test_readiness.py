"""The readiness self-assessment: answer, complete (kept as it was), what to do next, retake
from the last answers and compare side by side; bad input; other programs."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.planning.forms import field_name
from kindred.planning.models import ReadinessAnswer, ReadinessAssessment, ReadinessTransition
from kindred.planning.readiness import ITEMS, SECTIONS, Answer, summarize
from kindred.planning.services import assessment_start

pytestmark = pytest.mark.django_db


def _post(answers: dict[str, str], notes: dict[str, str] | None = None, **extra: str) -> dict:
    data = {}
    for key in ITEMS:
        data[field_name(key)] = answers.get(key, Answer.NOT_STARTED)
        data[f"{field_name(key)}-note"] = (notes or {}).get(key, "")
    return data | extra


def test_it_answers_completes_and_retakes_the_assessment(world) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("planning:readiness_start"))
    assessment = ReadinessAssessment.objects.get()
    assert response.status_code == 302 and assessment.answers.count() == len(ITEMS)

    url = reverse("planning:assessment", args=[assessment.pk])
    answers = {"leadership.sponsor": Answer.IN_PLACE, "funding.budget": Answer.IN_PROGRESS}
    response = client.post(
        url, _post(answers, {"funding.budget": "Grant applied for"}, complete="1")
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.completed_at is not None
    assert ReadinessTransition.objects.get(assessment=assessment).to_status == "completed"
    assert AuditEvent.objects.filter(action="planning.readinessassessment.completed").exists()
    page = client.get(url).content.decode()
    assert "What to do next" in page and "Grant applied for" in page

    # A completed assessment is kept as it was.
    client.post(url, _post({"leadership.sponsor": Answer.NOT_STARTED}))
    assert (
        ReadinessAnswer.objects.get(assessment=assessment, item="leadership.sponsor").answer
        == "in_place"
    )

    # The retake starts from the last answers; the first stays as it was.
    client.post(reverse("planning:readiness_start"))
    retake = ReadinessAssessment.objects.get(status="draft")
    assert retake.answers.get(item="funding.budget").answer == Answer.IN_PROGRESS
    client.post(
        reverse("planning:assessment", args=[retake.pk]),
        _post(answers | {"funding.budget": Answer.IN_PLACE}, complete="1"),
    )
    compare = client.get(reverse("planning:readiness_compare"))
    assert compare.status_code == 200
    moved = [row for block in compare.context["sections"] for row in block["items"] if row["moved"]]
    assert [row["item"].key for row in moved] == ["funding.budget"]
    assert moved[0]["before"] == "In progress" and moved[0]["after"] == "In place"


def test_a_bad_answer_is_refused_with_a_400_and_nothing_saved(world) -> None:
    assessment = assessment_start(program=world.program_a, by=world.coordinator)
    data = _post({}, {"leadership.sponsor": "kept"}) | {field_name("leadership.sponsor"): "maybe"}
    response = world.client("coordinator").post(
        reverse("planning:assessment", args=[assessment.pk]), data
    )
    assert response.status_code == 400
    assert "kept" in response.content.decode()  # what the person typed comes back
    row = assessment.answers.get(item="leadership.sponsor")
    assert (row.answer, row.note) == (Answer.NOT_STARTED, "")


def test_one_draft_at_a_time(world) -> None:
    first = assessment_start(program=world.program_a, by=world.coordinator)
    again = assessment_start(program=world.program_a, by=world.supervisor)
    assert first.pk == again.pk and ReadinessAssessment.objects.count() == 1


def test_comparing_needs_two_different_assessments(world) -> None:
    draft = assessment_start(program=world.program_a, by=world.coordinator)
    client = world.client("coordinator")
    response = client.get(reverse("planning:readiness_compare") + f"?a={draft.pk}&b={draft.pk}")
    assert response.status_code == 400


def test_an_assessment_of_another_program_is_not_found(world) -> None:
    other = assessment_start(program=world.program_b, by=world.outsider)
    client = world.client("coordinator")
    assert client.get(reverse("planning:assessment", args=[other.pk])).status_code == 404
    assert (
        client.get(
            reverse("planning:readiness_compare") + f"?a={other.pk}&b={other.pk}"
        ).status_code
        == 404
    )


def test_the_evaluator_does_not_see_the_assessment(world) -> None:
    assert world.client("evaluator").get(reverse("planning:readiness")).status_code == 403


def test_what_to_do_next_puts_not_started_first_in_the_guide_order() -> None:
    answers = dict.fromkeys(ITEMS, Answer.IN_PLACE)
    answers |= {
        "evaluation.review": Answer.NOT_STARTED,
        "leadership.sponsor": Answer.IN_PROGRESS,
        "training.cohorts": Answer.NOT_STARTED,
    }
    summary = summarize(answers)
    assert [item.key for _s, item, _a in summary.next_steps] == [
        "training.cohorts",
        "evaluation.review",
        "leadership.sponsor",
    ]
    assert summary.counts == {"not_started": 2, "in_progress": 1, "in_place": len(ITEMS) - 3}
    assert [s.section.key for s in summary.sections] == [s.key for s in SECTIONS]


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    from kindred.planning.services import assessment_answer

    for _ in range(4):
        a = assessment_start(program=world.program_a, by=world.coordinator)
        assessment_answer(assessment=a, answers={}, by=world.coordinator)
        a.transition(to="completed", by=world.coordinator)
    client = world.client("coordinator")
    client.get(reverse("planning:readiness"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("planning:readiness"))
    assert response.content.decode().count("Completed on") == 4
