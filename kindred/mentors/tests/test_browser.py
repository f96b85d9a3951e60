"""The journey in a real browser: a parent applies on a phone, the coordinator screens, trains
and activates them, a qualification expires and the Family Partner can no longer be matched."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kindred.core.testing.browser import sign_in
from kindred.core.testing.personas import build_world
from kindred.mentors.models import Mentor, QualificationType, TrainingCourse, TrainingModule
from kindred.mentors.services import program_ensure_mentor_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_parent_from_application_to_matchable_and_back(
    page, live_server, browser
) -> None:
    world = build_world()
    program = world.program_a
    program_ensure_mentor_lists(program=program)
    course = TrainingCourse.objects.create(
        program=program, title="Initial training", required_for_activation=True
    )
    TrainingModule.objects.create(course=course, title="Using your shared experience", hours=4)
    today = timezone.localdate()

    # A parent applies from a phone, in Spanish.
    parent = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 800}).new_page()
    from kindred.core.testing.browser import install_axe, settle_axe

    parent_axe = install_axe(parent.context)
    parent.goto(f"{live_server.url}/mentors/apply/{program.slug}/")
    assert parent.get_by_role("heading", name="Conviértase en Family Partner").is_visible()
    parent.get_by_label("Nombre completo").fill("Alma Reyes")
    parent.get_by_label("Correo electrónico").fill("alma@example.test")
    parent.get_by_label("Teléfono").fill("12")
    parent.get_by_role("button", name="Enviar mi solicitud").click()
    assert parent.get_by_text("Escriba un número de teléfono").is_visible()
    assert parent.get_by_label("Nombre completo").input_value() == "Alma Reyes"
    parent.get_by_label("Teléfono").fill("555 201 3344")
    parent.get_by_label("Español", exact=True).check()
    parent.get_by_label("Cuidados intensivos neonatales (UCIN)").check()
    parent.get_by_label("¿Por qué quiere apoyar").fill(
        "Quiero acompañar a otras familias en la UCIN."
    )
    parent.get_by_role("textbox", name=re.compile("^Referencias")).fill("Ana Ruiz 555-0101")
    parent.get_by_label("Acepto que el programa").check()
    parent.get_by_role("button", name="Enviar mi solicitud").click()
    assert parent.get_by_role("heading", name="Gracias por su solicitud").is_visible()
    settle_axe(parent)
    assert len(parent_axe.checked) >= 2 and not parent_axe.blocking(), parent_axe.blocking()
    mentor = Mentor.objects.get(email="alma@example.test")
    assert mentor.status == "applicant"

    # The coordinator screens her.
    sign_in(page, live_server, "coordinator@a.test")
    page.goto(live_server.url + "/mentors/?status=applicant")
    page.get_by_role("link", name="Alma Reyes").click()
    page.get_by_label("New status").select_option("screening")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_text("Status changed to “Screening”").is_visible()
    page.get_by_label("New status").select_option("training")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_text("Screening is not complete").is_visible()
    for item in (
        "Interview",
        "References checked",
        "Background check",
        "Confidentiality agreement signed",
    ):
        page.get_by_label("Screening item").select_option(label=item)
        page.get_by_label("Result").select_option("passed")
        page.get_by_role("button", name="Record result").click()
        assert page.get_by_text(f"Screening recorded: {item}").is_visible()
    page.get_by_label("New status").select_option("training")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_text("Status changed to “In training”").is_visible()

    # She is trained in a cohort: one session, attended.
    page.goto(live_server.url + "/mentors/training/")
    page.get_by_role("link", name="Start a cohort").click()
    page.get_by_label("Name").fill("Winter cohort")
    page.get_by_label("Course").select_option(label="Initial training")
    page.get_by_label("Alma Reyes").check()
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_label("Module").select_option(label="Using your shared experience")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_role("button", name="Add session").click()
    page.get_by_role("group", name="Who attended?").get_by_label("Alma Reyes").check()
    page.get_by_role("button", name="Save attendance").click()
    assert page.get_by_text("Attendance saved: 1 present.").is_visible()

    # Qualified and activated: she can be matched.
    page.get_by_role("link", name="Alma Reyes").click()
    for name in ("Annual refresher training", "Background check", "Confidentiality agreement"):
        page.get_by_label("Qualification (required)", exact=True).select_option(label=name)
        page.get_by_label("Obtained on").fill((today - timedelta(days=1)).isoformat())
        page.get_by_role("button", name="Record qualification").click()
        assert page.get_by_text(f"Qualification recorded: {name}").is_visible()
    page.get_by_label("New status").select_option("active")
    page.get_by_role("button", name="Change status").click()
    assert page.get_by_text("Status changed to “Active”").is_visible()
    matchable = page.get_by_role("region", name="Can be matched with a family today?")
    assert matchable.get_by_text("Yes").is_visible()
    assert Mentor.objects.matchable(program).filter(pk=mentor.pk).exists()
    page.get_by_role("link", name="Certificate").click()
    assert page.get_by_role("heading", name="Certificate of completion").is_visible()

    # A year later the refresher has expired: reminded, and no longer matchable.
    refresher = QualificationType.objects.get(program=program, name="Annual refresher training")
    mentor.qualifications.filter(type=refresher).update(expires_on=today - timedelta(days=1))
    call_command("send_qualification_reminders")
    assert any(m.to == ["alma@example.test"] and "vencido" in m.subject for m in mail.outbox)
    page.goto(f"{live_server.url}/mentors/{mentor.pk}/")
    matchable = page.get_by_role("region", name="Can be matched with a family today?")
    assert matchable.get_by_text("Annual refresher training has expired.").is_visible()
    assert not Mentor.objects.matchable(program).filter(pk=mentor.pk).exists()
    page.goto(live_server.url + "/mentors/?attention=qualifications")
    assert (
        page.get_by_role("row", name=re.compile("Alma Reyes"))
        .get_by_text("No", exact=True)
        .is_visible()
    )
    parent.close()


def test_it_lets_a_struggling_mentor_ask_for_help_and_a_supervisor_follow_up(
    page, live_server, browser
) -> None:
    from kindred.mentors.models import Escalation
    from kindred.mentors.tests.factories import make_active

    world = build_world()
    program_ensure_mentor_lists(program=world.program_a)
    mentor = make_active(
        world.program_a,
        world.coordinator,
        email="mentor@a.test",
        full_name="Keisha Brown",
        preferred_language="en",
    )
    Escalation.objects.create(
        program=world.program_a,
        mentor=mentor,
        raised_by=world.coordinator,
        concern="A family mentioned thoughts of self-harm.",
        severity="urgent",
    )

    # The mentor, on a phone, opens their page and checks in.
    phone = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    from kindred.core.testing.browser import install_axe, settle_axe

    phone_axe = install_axe(phone.context)
    sign_in(phone, live_server, "mentor@a.test")
    phone.locator("main").get_by_role("link", name="My volunteer work").first.click()
    assert phone.get_by_role("heading", name="My work as a Family Partner").is_visible()
    assert phone.get_by_text("No families are matched with you in Kindred yet").is_visible()
    phone.get_by_role("button", name="Send my check-in").click()
    assert phone.get_by_text("Please answer how you are doing").is_visible()
    phone.get_by_role("group", name=re.compile("how are you doing", re.IGNORECASE)).get_by_label(
        "2", exact=True
    ).check()
    phone.get_by_label("Too much right now").check()
    phone.get_by_label("I would like a supervisor to contact me").check()
    phone.get_by_role("button", name="Send my check-in").click()
    assert phone.get_by_text("Thank you for checking in.").is_visible()
    settle_axe(phone)
    assert not phone_axe.blocking(), phone_axe.blocking()

    # The supervisor sees the urgent escalation first and the check-in, and follows up.
    sign_in(page, live_server, "supervisor@a.test")
    page.locator("main").get_by_role("link", name="Supervision").first.click()
    assert page.get_by_text("Keisha Brown").first.is_visible()
    page.get_by_role("link", name="Urgent: safety concern").click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("button", name="Resolve").click()
    assert page.get_by_text("This field is required.").is_visible()
    page.get_by_label("What was done").fill(
        "Called the family with the social worker the same day."
    )
    page.get_by_role("button", name="Resolve").click()
    assert page.get_by_text("No open escalations.").is_visible()
    page.get_by_role("button", name="Followed up").click()
    assert page.get_by_text("Marked as followed up.").is_visible()
    escalation = Escalation.objects.get()
    assert escalation.status == "resolved" and escalation.resolved_by == world.supervisor
    phone.close()
