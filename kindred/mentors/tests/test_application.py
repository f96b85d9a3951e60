"""The public application: English/Spanish, clear errors, nothing half-saved, honeypot, rate limit."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.families.models import Condition, Experience
from kindred.lib.idempotency import new_submission_key
from kindred.mentors.models import Mentor

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict:
    data = {
        "full_name": "Alma Reyes",
        "email": "Alma.Reyes@Example.test",
        "phone": "(555) 201-3344",
        "preferred_language": "es",
        "languages": ["es", "en"],
        "postal_code": "60614",
        "travel": "10",
        "treatments": "Cirugía de corazón",
        "care_settings": ["nicu"],
        "availability_days": ["tue"],
        "availability_times": ["evening"],
        "motivation": "Quiero acompañar a otras familias.",
        "references": "Ana Ruiz 555-0101",
        "agree": "on",
        # What the page hands out: a one-time key per submission (kindred.lib.idempotency).
        "submission_key": new_submission_key(),
    }
    data.update(overrides)
    return data


def test_it_takes_an_application_and_tells_the_applicant_and_coordinators(
    mentor_world, django_capture_on_commit_callbacks
) -> None:
    w = mentor_world
    heart = Condition.objects.filter(program__isnull=True, code="Q23.4").first()
    surgery = Experience.objects.filter(program__isnull=True, name="Heart surgery").first()
    url = reverse("mentors:apply", args=[w.program_a.slug])
    assert Client().get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            url, form_data(child_conditions=[heart.pk], child_experiences=[surgery.pk])
        )
    assert response.status_code == 302
    mentor = Mentor.objects.get(program=w.program_a)
    assert mentor.status == "applicant" and mentor.email == "alma.reyes@example.test"
    assert list(mentor.child_conditions.all()) == [heart]
    assert list(mentor.child_experiences.all()) == [surgery]
    assert mentor.transitions.get().to_status == "applicant"
    audit = AuditEvent.objects.filter(action="mentors.mentor.created").get()
    assert "Alma" not in str(audit.detail) and "corazón" not in str(audit.fields)
    to = {tuple(m.to) for m in mail.outbox}
    assert ("alma.reyes@example.test",) in to and ("coordinator@a.test",) in to
    applicant_mail = next(m for m in mail.outbox if m.to == ["alma.reyes@example.test"])
    assert "Gracias" in applicant_mail.body and "Family Partner" in applicant_mail.body
    for message in mail.outbox:
        assert "corazón" not in message.body and "Heart" not in message.body


def test_it_shows_clear_errors_and_keeps_what_was_typed(mentor_world) -> None:
    w = mentor_world
    url = reverse("mentors:apply", args=[w.program_a.slug])
    response = Client().post(url, form_data(phone="12", agree="", motivation=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please enter a phone number we can call" in body
    assert "Please tick this box" in body
    assert 'value="Alma Reyes"' in body
    assert not Mentor.objects.exists()
    assert not mail.outbox


def test_it_speaks_spanish_to_spanish_speakers(mentor_world) -> None:
    w = mentor_world
    client = Client(headers={"accept-language": "es"})
    url = reverse("mentors:apply", args=[w.program_a.slug])
    body = client.get(url).content.decode()
    assert "Conviértase en Family Partner" in body or "Conviértete en Family Partner" in body
    response = client.post(url, form_data(phone="1"))
    assert "número de teléfono" in response.content.decode()


def test_it_refuses_the_same_email_twice(mentor_world) -> None:
    w = mentor_world
    url = reverse("mentors:apply", args=[w.program_a.slug])
    Client().post(url, form_data())
    response = Client().post(url, form_data(email="alma.reyes@example.test"))
    assert response.status_code == 400
    assert Mentor.objects.count() == 1


def test_it_quietly_drops_what_a_bot_fills_in(mentor_world) -> None:
    w = mentor_world
    response = Client().post(
        reverse("mentors:apply", args=[w.program_a.slug]), form_data(website="http://spam.test")
    )
    assert response.status_code == 302
    assert not Mentor.objects.exists()
    assert not mail.outbox


def test_it_limits_applications_from_one_address(mentor_world, settings) -> None:
    w = mentor_world
    settings.MENTOR_APPLICATIONS_PER_HOUR = 2
    url = reverse("mentors:apply", args=[w.program_a.slug])
    for i in range(2):
        assert Client().post(url, form_data(email=f"p{i}@example.test")).status_code == 302
    response = Client().post(url, form_data(email="p9@example.test"))
    assert response.status_code == 429
    assert Mentor.objects.count() == 2


def test_it_has_no_application_page_for_an_inactive_or_unknown_program(mentor_world) -> None:
    w = mentor_world
    w.program_b.is_active = False
    w.program_b.save()
    assert Client().get(reverse("mentors:apply", args=[w.program_b.slug])).status_code == 404
    assert Client().get(reverse("mentors:apply", args=["no-such-program"])).status_code == 404


def test_it_keeps_the_application_pages_out_of_every_cache(mentor_world) -> None:
    w = mentor_world
    client = Client()
    page = client.get(reverse("mentors:apply", args=[w.program_a.slug]))
    assert page["Cache-Control"] == "no-store, private"
    thanks = client.get(reverse("mentors:apply_thanks", args=[w.program_a.slug]))
    assert thanks["Cache-Control"] == "no-store, private"


def test_it_takes_one_application_for_a_submission_sent_twice(mentor_world) -> None:
    w = mentor_world
    url = reverse("mentors:apply", args=[w.program_a.slug])
    client = Client()
    key = client.get(url).context["form"]["submission_key"].value()
    first = client.post(url, form_data(submission_key=key))
    again = client.post(url, form_data(submission_key=key))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Mentor.objects.count() == 1
    assert AuditEvent.objects.filter(action="mentors.application.submitted").count() == 1


def test_it_asks_again_for_a_forged_or_missing_key_and_saves_nothing(mentor_world) -> None:
    w = mentor_world
    url = reverse("mentors:apply", args=[w.program_a.slug])
    client = Client(headers={"accept-language": "es"})
    for key in ("forged", ""):
        response = client.post(url, form_data(submission_key=key))
        assert response.status_code == 400
        assert "Esta página estuvo abierta mucho tiempo" in response.content.decode()
        fresh = response.context["form"]["submission_key"].value()
        assert fresh != key and fresh
    assert not Mentor.objects.exists()
    assert client.post(url, form_data(submission_key=fresh)).status_code == 302
    assert Mentor.objects.count() == 1
