"""Every page with a form the public fills in, and every answer to a POST, is `no-store`: what a
person typed, and a form's one-time key, must not stay in a shared computer's or a proxy's cache.
Pages without a form (the public directory's results, say) may still be cached."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kindred.lib.middleware import SecurityHeadersMiddleware


@pytest.mark.django_db
def test_every_public_form_page_is_no_store(world) -> None:
    slug = world.program_a.slug
    pages = [
        reverse("mentors:apply", args=[slug]),
        reverse("referrals:self_refer", args=[slug]),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
    ]
    client = Client()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'name="csrfmiddlewaretoken"' in response.content, url
        assert "no-store" in response["Cache-Control"], url
    # The answer to a POST, even a refused one, re-shows what was typed.
    refused = client.post(reverse("mentors:apply", args=[slug]), {"first_name": "Ana"})
    assert refused.status_code == 400 and "no-store" in refused["Cache-Control"]


def _through_middleware(method: str, body: bytes, content_type: str = "text/html") -> HttpResponse:
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)("/somewhere/")
    request.user = AnonymousUser()
    middleware = SecurityHeadersMiddleware(lambda r: HttpResponse(body, content_type=content_type))
    return middleware(request)


def test_the_rule_is_the_form_not_a_list_of_pages() -> None:
    form = b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>'
    assert "no-store" in _through_middleware("get", form)["Cache-Control"]
    assert "Cache-Control" not in _through_middleware("get", b"<p>A directory page</p>")
    assert "no-store" in _through_middleware("post", b"<p>Thanks</p>")["Cache-Control"]
    assert "Cache-Control" not in _through_middleware("get", form, content_type="text/calendar")
