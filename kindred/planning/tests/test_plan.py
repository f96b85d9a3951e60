"""The program plan: saving keeps a version (who, when, what changed) with a word diff; the
facts come from the program's settings; the PDF in both languages; bad input; other programs."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.planning.diff import word_diff
from kindred.planning.models import PlanVersion, ProgramPlan
from kindred.planning.services import plan_for, plan_save

pytestmark = pytest.mark.django_db


def test_it_keeps_a_version_of_every_save_with_who_and_what_changed(world) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("planning:plan_edit"), {"mission": "Nobody alone.", "need": ""})
    assert response.status_code == 302
    response = client.post(
        reverse("planning:plan_edit"), {"mission": "Nobody alone, ever.", "need": "A call."}
    )
    plan = ProgramPlan.objects.get(program=world.program_a)
    assert plan.version == 2 and plan.mission == "Nobody alone, ever."
    first, second = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert first.changed == ["mission"] and first.saved_by == world.coordinator
    assert second.changed == ["mission", "need"] and second.content["need"] == "A call."
    assert first.content["mission"] == "Nobody alone."  # the earlier text is kept as it was
    events = AuditEvent.objects.filter(
        action="planning.programplan.changed", object_id=str(plan.pk)
    )
    assert events.count() == 2 and "mission" in events.last().fields

    page = client.get(reverse("planning:version", args=[second.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<ins>" in html and "ever." in html and "A call." in html


def test_a_save_without_a_change_writes_no_version(world) -> None:
    plan = plan_for(world.program_a)
    assert plan_save(plan=plan, data={"mission": "Same"}, by=world.coordinator) is not None
    assert plan_save(plan=plan, data={"mission": "Same"}, by=world.coordinator) is None
    assert plan.versions.count() == 1


def test_word_diff_rebuilds_both_texts() -> None:
    before, after = "first contact in two days", "first contact within two working days"
    segments = word_diff(before, after)
    assert "".join(t for op, t in segments if op != "added") == before
    assert "".join(t for op, t in segments if op != "removed") == after
    assert ("added", "within") in segments


def test_it_refuses_text_too_long_with_a_400_and_saves_nothing(world) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("planning:plan_edit"), {"mission": "x" * 5001})
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_the_plan_shows_the_program_settings(world) -> None:
    program = world.program_a
    program.offers_groups = True
    program.first_contact_target_hours = 24
    program.save()
    html = world.client("evaluator").get(reverse("planning:plan")).content.decode()
    assert "Support groups" in html and "24 hours" in html
    assert program.get_scope_display() in html
    assert "48 hours from intake" in html  # the matching default, before any matching settings


def test_the_evaluator_reads_but_does_not_edit(world) -> None:
    client = world.client("evaluator")
    assert client.get(reverse("planning:plan")).status_code == 200
    assert "Edit the plan" not in client.get(reverse("planning:plan")).content.decode()
    assert client.post(reverse("planning:plan_edit"), {"mission": "x"}).status_code == 403
    assert not PlanVersion.objects.exists()


def test_a_version_of_another_program_is_not_found(world) -> None:
    plan_b = plan_for(world.program_b)
    plan_save(plan=plan_b, data={"mission": "B's own"}, by=world.outsider)
    version_b = plan_b.versions.get()
    response = world.client("coordinator").get(reverse("planning:version", args=[version_b.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="planning.planversion.access_denied").exists()


@pytest.mark.parametrize("language, words", [("en", b"Program plan"), ("es", b"Plan del programa")])
def test_it_prints_the_plan_as_a_pdf_in_each_language(world, language, words) -> None:
    from io import BytesIO

    plan = plan_for(world.program_a)
    plan_save(plan=plan, data={"mission": "Nobody alone"}, by=world.coordinator)
    response = world.client("supervisor").get(reverse("planning:plan_pdf") + f"?lang={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from kindred.planning.live import this_year
    from kindred.planning.pdf import plan_html

    html = plan_html(program=world.program_a, plan=plan, period=this_year(), language=language)
    assert words.decode() in html and "Nobody alone" in html
    assert BytesIO(response.content).getbuffer().nbytes > 1000
    assert AuditEvent.objects.filter(action="planning.programplan.exported").count() == 1


def test_the_versions_page_reads_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
) -> None:
    plan = plan_for(world.program_a)
    for n in range(12):
        plan_save(plan=plan, data={"mission": f"Version {n}"}, by=world.coordinator)
    client = world.client("coordinator")
    client.get(reverse("planning:versions"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("planning:versions"))
    assert response.content.decode().count("Version 1") >= 1


def test_what_people_typed_comes_back_escaped(world, test_measures) -> None:
    from kindred.planning.tests.factories import objective

    payload = '<script>alert("x")</script>'
    plan = plan_for(world.program_a)
    plan_save(plan=plan, data={"mission": f"Mission {payload}"}, by=world.coordinator)
    objective(world.program_a, world.coordinator, "test.families_new", "1", title=f"Obj {payload}")
    client = world.client("coordinator")
    pages = [
        reverse("planning:plan"),
        reverse("planning:version", args=[plan.versions.order_by("number").first().pk]),
        reverse("planning:version", args=[plan.versions.order_by("number").last().pk]),
        reverse("planning:plan_edit"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert payload not in html, url
        assert "&lt;script&gt;" in html, url
