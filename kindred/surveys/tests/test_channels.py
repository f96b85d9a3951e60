"""A coordinator asks one family: by e-mail (only with an address and consent to contact; sent
after the commit; nothing about health), by a printed letter with a one-time code typed at the
public page, or by entering the answers of a phone call (the database says who entered them).
Another program's survey or family answers 404; a bad code a 4xx; answering twice 409."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.families.consent import consent_record
from kindred.families.models import Caregiver, Family
from kindred.groups.tests.factories import make_family
from kindred.lib.idempotency import new_submission_key
from kindred.surveys import channels
from kindred.surveys.models import Invitation, Response
from kindred.surveys.tests.factories import starters

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    family_survey, _mentor = starters(world.program_a)
    return family_survey


@pytest.fixture
def family(world):
    family = make_family(
        world.program_a, world.coordinator, "Quintero", language="es", email="ana@example.test"
    )
    Family.objects.filter(pk=family.pk).update(
        address_line1="12 Elm Street", city="Chicago", state="IL", zip_code="60601"
    )
    family.refresh_from_db()
    return family


def send(client, survey, family, channel, occasion="yearly"):
    return client.post(
        reverse("surveys:send", args=[survey.pk, family.pk]),
        {"channel": channel, "occasion": occasion},
    )


def test_by_email_sends_the_link_after_commit_without_health_information(
    world, survey, family, django_capture_on_commit_callbacks
) -> None:
    client = world.client("coordinator")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(client, survey, family, "email")
        assert response.status_code == 302
        assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.test"]
    assert "/surveys/r/" in message.body and world.program_a.name in message.body
    assert "Quintero" not in message.body + message.subject  # no name
    assert "yearly" not in message.body.lower() and "anual" not in message.body.lower()
    assert "algunas preguntas" in message.subject.lower() or "preguntas" in message.body.lower()
    invitation = Invitation.objects.get(family=family)
    assert invitation.channel == "email" and invitation.sent_by == world.coordinator
    event = AuditEvent.objects.get(action="surveys.invitation.created")
    assert event.detail["channel"] == "email" and event.actor == world.coordinator
    # The same way twice on one day: a conflict, said plainly, nobody asked twice.
    again = send(client, survey, family, "email")
    assert again.status_code == 409
    assert "already sent this survey by e-mail today" in again.content.decode()
    assert Invitation.objects.filter(family=family).count() == 1


def test_by_email_needs_an_address_and_consent_to_contact(world, survey, family) -> None:
    client = world.client("coordinator")
    Caregiver.objects.filter(family=family).update(email="")
    response = send(client, survey, family, "email")
    assert response.status_code == 400
    assert "No caregiver of this family has an e-mail address." in response.content.decode()
    Caregiver.objects.filter(family=family).update(email="ana@example.test")
    consent_record(
        family=family, scope="contact", decision="withdrawn", method="verbal", by=world.coordinator
    )
    response = send(client, survey, family, "email")
    assert response.status_code == 400
    assert "has not agreed to be contacted" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_by_letter_prints_a_code_the_parent_types_at_the_public_page(
    world, survey, family, monkeypatch
) -> None:
    printed = {}
    real_html = channels.letter_html

    def keep_html(invitation, *, code, contact):
        printed["html"] = real_html(invitation, code=code, contact=contact)
        printed["code"] = code
        return printed["html"]

    monkeypatch.setattr(channels, "letter_html", keep_html)
    response = send(world.client("coordinator"), survey, family, "letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    code = printed["code"]
    assert len(code) == 20 and channels.normalize_code(code) == code
    html = printed["html"]
    assert channels.printed_code(code) in html and "12 Elm Street" in html
    assert "escriba este código" in html.lower() and reverse("surveys:code") in html
    invitation = Invitation.objects.get(family=family)
    assert invitation.channel == "letter" and invitation.language == "es"
    assert code not in invitation.token_hash
    assert AuditEvent.objects.filter(action="surveys.letter.printed").count() == 1

    # The parent types it as printed, in lower case with dashes: the survey opens.
    public = Client()
    typed = channels.printed_code(code).lower()
    found = public.post(reverse("surveys:code"), {"code": typed})
    assert found.status_code == 302
    assert found["Location"] == reverse("surveys:public", args=[code])
    page = public.get(found["Location"])
    assert page.status_code == 200 and "¿Cómo va el apoyo?" in page.content.decode()
    items = {i.code: i for i in invitation.survey.items.all()}
    data = {f"item_{items['less_alone'].pk}": "4", "submission_key": new_submission_key()}
    assert public.post(found["Location"], data).status_code == 302
    answered = Response.objects.get(invitation=invitation)
    assert answered.channel == "web" and answered.entered_by is None
    # Answering again with the code: a conflict (409), in both languages.
    again = public.post(
        found["Location"],
        {f"item_{items['less_alone'].pk}": "2", "submission_key": new_submission_key()},
    )
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    assert "ya fue respondida" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_letter_needs_a_postal_address(world, survey, family) -> None:
    Family.objects.filter(pk=family.pk).update(address_line1="")
    response = send(world.client("coordinator"), survey, family, "letter")
    assert response.status_code == 400
    assert "no postal address" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "status"),
    [("ABC", 400), ("", 400), ("UUUUUUUUUUUUUUUUUUUU", 400), ("0" * 20, 404), ("A" * 20, 404)],
)
def test_a_bad_code_is_refused_in_both_languages(world, typed, status) -> None:
    response = Client().post(reverse("surveys:code"), {"code": typed})
    assert response.status_code == status
    body = response.content.decode()
    assert "not valid" in body or "20 letters" in body
    assert "no es válido" in body or "20 letras" in body


def test_only_a_letter_opens_from_the_code_page(world, survey, family, monkeypatch) -> None:
    code = "ABCDEFGHJKMNPQRSTVWX"
    monkeypatch.setattr(channels, "new_code", lambda: code)
    invitation, _content = channels.send_by_letter(
        survey=survey, family=family, occasion="yearly", by=world.coordinator
    )
    assert Client().post(reverse("surveys:code"), {"code": code}).status_code == 302
    Invitation.objects.filter(pk=invitation.pk).update(channel="email")
    assert Client().post(reverse("surveys:code"), {"code": code}).status_code == 404


def test_by_phone_the_coordinator_enters_the_answers_and_is_recorded(world, survey, family) -> None:
    client = world.client("coordinator")
    url = reverse("surveys:phone", args=[survey.pk, family.pk])
    page = client.get(url + "?occasion=intake")
    assert page.status_code == 200
    # A baseline does not ask the follow-up questions.
    items = {i.code: i for i in survey.items.all()}
    assert f"item_{items['satisfied_support'].pk}" not in page.content.decode()
    assert f"item_{items['less_alone'].pk}" in page.content.decode()
    data = {
        "occasion": "intake",
        f"item_{items['less_alone'].pk}": "2",
        "submission_key": new_submission_key(),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form twice: one response
    response = Response.objects.get(invitation__family=family)
    assert response.channel == "phone" and response.entered_by == world.coordinator
    assert response.invitation.channel == "phone" and response.invitation.occasion == "intake"
    assert response.answers.get().number == 2
    event = AuditEvent.objects.get(action="surveys.response.entered")
    assert event.actor == world.coordinator and event.detail["channel"] == "phone"
    # Another call's answers the same day: refused as a conflict.
    data["submission_key"] = new_submission_key()
    again = client.post(url, data)
    assert again.status_code == 409
    assert "already entered for this family today" in again.content.decode()
    bad = client.post(url, {"occasion": "intake", f"item_{items['less_alone'].pk}": "9"})
    assert bad.status_code == 400
    assert client.get(url + "?occasion=someday").status_code == 400
    assert Response.objects.count() == 1


def test_the_database_says_who_entered_a_phone_answer(world, survey, family) -> None:
    response = channels.enter_by_phone(
        survey=survey,
        family=family,
        occasion="yearly",
        answers={survey.items.get(code="less_alone").pk: {"number": 5}},
        submission_key="k" * 64,
        by=world.coordinator,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(entered_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(channel="web")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=response.invitation_id).update(sent_by=None)


def test_another_programs_survey_or_family_answers_404(world, survey, family) -> None:
    other_survey, _mentor = starters(world.program_b)
    other_family = make_family(world.program_b, world.outsider, "Bravo")
    client = world.client("coordinator")
    for name in ("surveys:send", "surveys:phone"):
        assert client.get(reverse(name, args=[other_survey.pk, family.pk])).status_code == 404
        assert client.get(reverse(name, args=[survey.pk, other_family.pk])).status_code == 404
    assert send(client, survey, other_family, "email").status_code == 404
    assert client.get(reverse("surveys:send_find", args=[other_survey.pk])).status_code == 404
    # The other program's coordinator cannot reach this program's family either.
    outsider = world.client("outsider")
    assert outsider.get(reverse("surveys:send", args=[survey.pk, family.pk])).status_code == 404
    assert not Invitation.objects.exists()


def test_the_family_is_found_by_name_and_the_pages_speak_spanish(world, survey, family) -> None:
    client = world.client("coordinator")
    found = client.get(reverse("surveys:send_find", args=[survey.pk]) + "?q=quinte")
    assert found.status_code == 200
    assert reverse("surveys:send", args=[survey.pk, family.pk]) in found.content.decode()
    assert AuditEvent.objects.filter(action="surveys.family.listed").count() == 1
    world.coordinator.language = "es"
    world.coordinator.save(update_fields=["language"])
    page = world.client("coordinator").get(reverse("surveys:send", args=[survey.pk, family.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Preguntar a Quintero" in body and "Se pregunta en español." in body
