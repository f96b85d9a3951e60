"""The batch and coverage pages (included from kindred/matching/urls.py)."""

from django.urls import path

from kindred.matching import batch_views, coverage_views

urlpatterns = [
    path("batch/", batch_views.batch, name="batch"),
    path("batch/<int:pk>/", batch_views.batch_run, name="batch_run"),
    path("batch/<int:pk>/approve/", batch_views.batch_approve, name="batch_approve"),
    path("coverage/", coverage_views.coverage_page, name="coverage"),
]
