"""Kindred's URLs plus one view that fails, to see the 500 page (test_error_pages)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kindred.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *urlpatterns]
