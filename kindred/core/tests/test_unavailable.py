"""The database gone away answers 503 with a page, through the middleware (errors in a view)
and through handler500 (errors in a middleware, with DEBUG off). The real outage, with its own
PostgreSQL cluster, is in test_database_outage.py."""

import sys
from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import RequestFactory
from django.urls import reverse

from kindred.core.errors import server_error
from kindred.lib.unavailable import DatabaseUnavailableMiddleware


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_whose_database_is_gone_answers_503(client, world, error) -> None:
    url = reverse("mentors:apply", args=[world.program_a.slug])
    with mock.patch("kindred.mentors.application_views._public_program", side_effect=error("gone")):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "cannot reach its database" in page and "Traceback" not in page
    with mock.patch("kindred.mentors.application_views._public_program", side_effect=error("gone")):
        spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert (
        spanish.status_code == 503
        and "no puede llegar a su base de datos" in spanish.content.decode()
    )


def test_other_errors_are_left_to_the_500_page() -> None:
    request = RequestFactory().get("/")
    assert (
        DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, ValueError())
        is None
    )


def test_handler500_answers_503_for_a_database_error_raised_in_a_middleware() -> None:
    request = RequestFactory().get("/api/hsds/services")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503 and "detail" in response.content.decode()
