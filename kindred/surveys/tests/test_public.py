"""The public survey page: the one-time link, in the family's language, saved whole or not at
all, once per submission; a bad link says so in English and Spanish."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.groups.tests.factories import make_family
from kindred.lib.idempotency import new_submission_key
from kindred.surveys.models import Answer, Invitation, Item, Response
from kindred.surveys.public import PER_ADDRESS_PER_HOUR
from kindred.surveys.tests.factories import invite, starters

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(world):
    family_survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Quintero", language="es")
    invitation, token = invite(family_survey, family=family, occasion="match_close", language="es")
    return invitation, token


def url(token: str) -> str:
    return reverse("surveys:public", args=[token])


def items(invitation):
    return {i.code: i for i in invitation.survey.items.all()}


def filled(invitation, **overrides):
    found = items(invitation)
    data = {
        f"item_{found['less_alone'].pk}": "4",
        f"item_{found['confident_caring'].pk}": "5",
        f"item_{found['would_recommend'].pk}": "1",
        f"item_{found['contact_how'].pk}": "phone",
        f"item_{found['anything_else'].pk}": "Gracias por todo",
        "submission_key": new_submission_key(),
    }
    data.update(overrides)
    return data


def test_it_shows_the_survey_in_the_familys_language_never_cached(invited) -> None:
    _invitation, token = invited
    response = Client().get(url(token))
    assert response.status_code == 200
    content = response.content.decode()
    assert "¿Cómo va el apoyo?" in content
    assert "Me siento menos solo o sola" in content
    assert "Muy de acuerdo" in content
    assert response["Cache-Control"] == "no-store, private"


def test_it_keeps_only_a_hash_of_the_token(invited) -> None:
    invitation, token = invited
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_it_saves_a_submission_whole_and_the_link_works_once(invited) -> None:
    invitation, token = invited
    client = Client()
    response = client.post(url(token), filled(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:public_thanks", args=[token])
    saved = Response.objects.get(invitation=invitation)
    assert saved.answers.count() == 5
    assert saved.answers.get(item__code="less_alone").number == 4
    assert saved.answers.get(item__code="contact_how").choice == "phone"
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert AuditEvent.objects.filter(
        action="surveys.response.submitted", object_id=str(saved.pk)
    ).exists()
    thanks = client.get(response["Location"])
    assert "Gracias" in thanks.content.decode()
    # The link cannot be used again: a new submission is a conflict (409), in both languages.
    again = client.post(url(token), filled(invitation))
    assert again.status_code == 409
    body = again.content.decode()
    assert "already answered" in body and "ya fue respondida" in body
    assert Response.objects.count() == 1


def test_the_same_submission_posted_twice_is_one_response(invited) -> None:
    invitation, token = invited
    data = filled(invitation)
    client = Client()
    first = client.post(url(token), data)
    second = client.post(url(token), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("surveys:public_thanks", args=[token])
    assert Response.objects.count() == 1


def test_a_failure_mid_save_leaves_nothing_written(invited) -> None:
    invitation, token = invited
    failing = mock.patch.object(Answer.objects, "bulk_create", side_effect=RuntimeError("disk"))
    with failing, pytest.raises(RuntimeError):
        Client().post(url(token), filled(invitation))
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    # The family can still answer afterwards.
    assert Client().post(url(token), filled(invitation)).status_code == 302


def test_bad_input_answers_400_and_saves_nothing(invited) -> None:
    invitation, token = invited
    found = items(invitation)
    response = Client().post(
        url(token), filled(invitation, **{f"item_{found['less_alone'].pk}": "9"})
    )
    assert response.status_code == 400
    assert "Please look at the questions" not in response.content.decode()  # in Spanish
    assert "Revise las preguntas" in response.content.decode()
    assert not Response.objects.exists()


def test_an_empty_submission_is_refused(invited) -> None:
    _invitation, token = invited
    response = Client().post(url(token), {"submission_key": new_submission_key()})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_free_text_over_the_limit_is_refused(invited) -> None:
    invitation, token = invited
    found = items(invitation)
    data = filled(invitation, **{f"item_{found['anything_else'].pk}": "x" * 2001})
    assert Client().post(url(token), data).status_code == 400
    assert not Response.objects.exists()


def test_baseline_does_not_ask_follow_up_questions(world) -> None:
    survey, _mentor = starters(world.program_a)
    family = make_family(world.program_a, world.coordinator, "Ames")
    _invitation, token = invite(survey, family=family, occasion="intake")
    content = Client().get(url(token)).content.decode()
    assert "I feel less alone" in content
    assert "satisfied with the support" not in content


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 200])
def test_an_unknown_link_says_so_in_both_languages(world, token) -> None:
    response = Client().get(url(token))
    assert response.status_code == 404
    body = response.content.decode()
    assert "not valid" in body and "no es válido" in body
    assert response["Cache-Control"] == "no-store, private"


def test_an_expired_link_is_refused(invited) -> None:
    invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=10),
    )
    for response in (Client().get(url(token)), Client().post(url(token), filled(invitation))):
        assert response.status_code == 410
        body = response.content.decode()
        assert "expired" in body and "vencido" in body
    assert not Response.objects.exists()


def test_the_family_can_decline_and_is_not_asked_again(invited) -> None:
    invitation, token = invited
    response = Client().post(reverse("surveys:public_decline", args=[token]))
    assert response.status_code == 200
    assert (
        "no le volveremos a pedir" in response.content.decode().lower()
        or "No le" in response.content.decode()
    )
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert AuditEvent.objects.filter(action="surveys.invitation.declined").count() == 1
    assert Client().get(url(token)).status_code == 410
    assert Client().post(url(token), filled(invitation)).status_code == 410


def test_answers_from_one_address_are_limited(invited, world) -> None:
    invitation, token = invited
    for _ in range(PER_ADDRESS_PER_HOUR):
        Client().get(url("unknown-token"))
    response = Client().post(url(token), filled(invitation))
    assert response.status_code == 429
    assert not Response.objects.exists()


def test_a_required_item_must_be_answered(invited) -> None:
    invitation, token = invited
    Item.objects.filter(survey=invitation.survey, code="less_alone").update(required=True)
    found = items(invitation)
    data = filled(invitation)
    del data[f"item_{found['less_alone'].pk}"]
    assert Client().post(url(token), data).status_code == 400
    assert not Response.objects.exists()


def test_the_reader_can_read_the_survey_in_the_other_language(invited) -> None:
    invitation, token = invited
    client = Client()
    spanish = client.get(url(token)).content.decode()
    assert 'href="?lang=en"' in spanish and "Read in English" in spanish
    assert "Change language" not in spanish and "Cambiar idioma" not in spanish
    english = client.get(url(token) + "?lang=en").content.decode()
    assert "How is the support going?" in english and "Leer en español" in english
    assert client.get(url(token) + "?lang=fr").content.decode().count("¿Cómo va el apoyo?")
    response = client.post(url(token) + "?lang=en", filled(invitation))
    assert response["Location"] == reverse("surveys:public_thanks", args=[token]) + "?lang=en"
    assert "Thank you" in client.get(response["Location"]).content.decode()
    invitation.refresh_from_db()
    assert invitation.language == "es"  # the family's language stays what it was
