"""Concurrent posts of one application create one applicant (PostgreSQL: real concurrency)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kindred.core.testing.concurrent import post_at_once
from kindred.mentors.models import Mentor
from kindred.mentors.tests.test_application import form_data

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_it_creates_one_applicant_when_the_same_application_arrives_four_times_at_once(
    mentor_world,
):
    url = reverse("mentors:apply", args=[mentor_world.program_a.slug])
    key = Client().get(url).context["form"]["submission_key"].value()
    statuses = post_at_once(url, form_data(submission_key=key), times=4)
    assert statuses == [302] * 4
    assert Mentor.objects.count() == 1
