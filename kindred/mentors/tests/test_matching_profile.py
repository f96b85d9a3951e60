"""What a mentor tells matching about themselves: optional, structured, explained; the old
free-text treatments read into the list by mentors/0009 (the text kept)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from kindred.matching.tests.factories import active_match, waiting_family
from kindred.mentors.models import Mentor
from kindred.mentors.tests.factories import make_active
from kindred.mentors.tests.test_application import form_data


@pytest.mark.django_db
def test_the_application_takes_the_matching_answers_each_with_why_it_is_asked(mentor_world) -> None:
    url = reverse("mentors:apply", args=[mentor_world.program_a.slug])
    page = Client().get(url).content.decode()
    assert "Families often ask for a parent who has been through the same treatment." in page
    assert "Optional. Some parents feel easier talking with a mentor of their gender." in page
    data = form_data(
        treatment_codes=["heart_surgery", "feeding_tube"],
        gender="woman",
        culture="Mexican American",
        family_situations=["single_parent"],
        excluded_situations=["bereaved"],
        experience_year="2020",
        off_active_treatment="true",
    )
    assert Client().post(url, data).status_code == 302
    mentor = Mentor.objects.get()
    assert mentor.treatment_codes == ["heart_surgery", "feeding_tube"]
    assert (mentor.gender, mentor.culture, mentor.experience_year) == (
        "woman",
        "Mexican American",
        2020,
    )
    assert mentor.family_situations == ["single_parent"] and mentor.excluded_situations == [
        "bereaved"
    ]
    assert mentor.off_active_treatment is True


@pytest.mark.django_db
def test_the_application_refuses_bad_answers_and_keeps_the_rest(mentor_world) -> None:
    url = reverse("mentors:apply", args=[mentor_world.program_a.slug])
    for bad in (
        {"treatment_codes": ["magic"]},
        {"experience_year": "1800"},
        {"experience_year": "99999999999"},
        {"family_situations": ["x"]},
        {"gender": "robot"},
    ):
        response = Client().post(url, form_data(**bad))
        assert response.status_code == 400, bad
        assert "Alma Reyes" in response.content.decode()
    assert not Mentor.objects.exists()


@pytest.mark.django_db
def test_the_maximum_cannot_go_below_the_families_held(mentor_world) -> None:
    from kindred.matching.tests.factories import vocabulary
    from kindred.mentors.services import program_ensure_mentor_lists

    w = mentor_world
    program_ensure_mentor_lists(program=w.program_a)
    vocabulary()
    mentor = make_active(w.program_a, w.coordinator, email="mentor@a.test", preferred_language="en")
    mentor.user = w.mentor
    mentor.save(update_fields=["user"])
    active_match(w, waiting_family(w), mentor)
    mentor.refresh_from_db()
    assert mentor.active_family_count == 1
    page = w.client("coordinator").get(reverse("mentors:edit", args=[mentor.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, [])}
    data.update({"max_families": "0", "off_active_treatment": "unknown"})
    data["child_conditions"] = []
    response = w.client("coordinator").post(reverse("mentors:edit", args=[mentor.pk]), data)
    assert response.status_code == 400
    assert "already holds 1 families" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.max_families == 5


BEFORE = [("mentors", "0008_one_applicant_per_public_submission")]
AFTER = [("mentors", "0009_matching_profile")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_0009_reads_the_old_treatments_into_the_list_and_keeps_the_text() -> None:
    old = _migrate(BEFORE)
    try:
        Organization = old.get_model("programs", "Organization")
        Program = old.get_model("programs", "Program")
        OldMentor = old.get_model("mentors", "Mentor")
        org = Organization.objects.create(name="Org", slug="org")
        program = Program.objects.create(organization=org, name="P", slug="p")
        texts = {
            "a": "Three heart surgeries (Norwood, Glenn, Fontan); feeding tube for a year.",
            "b": "Traqueostomía y ventilador en casa desde los 2 años.",
            "c": "Nothing to add",
        }
        for key, text in texts.items():
            OldMentor.objects.create(
                program=program,
                full_name=key,
                email=f"{key}@x.test",
                phone="1",
                motivation="m",
                references="r",
                treatments=text,
            )
        new = _migrate(AFTER)
        NewMentor = new.get_model("mentors", "Mentor")
        by_name = {m.full_name: m for m in NewMentor.objects.all()}
        assert by_name["a"].treatment_codes == ["heart_surgery", "feeding_tube"]
        assert by_name["b"].treatment_codes == ["tracheostomy", "ventilator"]
        assert by_name["c"].treatment_codes == []
        assert [by_name[k].treatments for k in texts] == list(texts.values())
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
