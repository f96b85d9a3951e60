"""Every error answer is a page in the person's language: 400, 403, 404, 405, 500, CSRF."""

import pytest
from django.test import Client, override_settings

from kindred.core.testing.personas import signed_in


def _spanish(world, persona: str = "mentor") -> Client:
    user = world.users[persona]
    user.language = "es"
    user.save(update_fields=["language"])
    return signed_in(Client(), user)


def _is_page(response, *, lang: str) -> str:
    text = response.content.decode()
    assert text.lstrip().startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in text
    assert "<h1>" in text
    return text


def test_it_answers_a_get_of_a_post_only_address_with_a_405_page(world) -> None:
    response = world.client("mentor").get("/mentors/home/check-in/")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    text = _is_page(response, lang="en")
    assert "This page cannot be opened this way" in text


def test_it_shows_the_405_page_in_spanish(world) -> None:
    response = _spanish(world).get("/mentors/home/check-in/")
    assert response.status_code == 405
    text = _is_page(response, lang="es")
    assert "Esta página no se puede abrir así" in text


def test_it_shows_the_405_page_to_someone_signed_out(db) -> None:
    response = Client().get("/accounts/logout/")
    assert response.status_code == 405
    _is_page(response, lang="en")


def test_it_shows_the_404_page_in_spanish(world) -> None:
    response = _spanish(world).get("/families/999999/")
    assert response.status_code == 404
    assert "No encontrado" in _is_page(response, lang="es")


def test_it_shows_the_403_page_in_spanish(world) -> None:
    # A mentor holds no capability to see the referral queue of their program.
    response = _spanish(world).get("/referrals/queue/")
    assert response.status_code == 403
    assert "No permitido" in _is_page(response, lang="es")


def test_it_shows_the_400_page_in_spanish(world) -> None:
    # Refused before the person is known (a NUL in the request): the browser's language counts.
    response = _spanish(world).get("/directory/?q=a%00b", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    _is_page(response, lang="es")


def test_it_shows_a_page_when_the_csrf_token_is_missing(world) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = _is_page(response, lang="es")
    assert "El formulario caducó" in text


@pytest.mark.parametrize(
    ("accept", "words"), [("en", "Something went wrong"), ("es", "Algo salió mal")]
)
@override_settings(ROOT_URLCONF="kindred.core.tests.error_urls", DEBUG=False)
def test_it_shows_a_500_page_in_the_language_of_the_request(db, accept, words) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=accept)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert words in _is_page(response, lang=accept)


def test_it_leaves_the_api_answers_alone(world) -> None:
    response = world.client("coordinator").delete("/api/me")
    assert response.status_code == 405
    assert not response.content.lstrip().startswith(b"<!DOCTYPE")
