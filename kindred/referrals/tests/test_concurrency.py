"""Concurrent posts of one self-referral create one referral (PostgreSQL: real concurrency)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kindred.core.testing.concurrent import post_at_once
from kindred.families.models import Family
from kindred.referrals.models import Referral

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_it_creates_one_referral_when_the_same_submission_arrives_four_times_at_once(world):
    url = reverse("referrals:self_refer", args=[world.program_a.slug])
    key = Client().get(url).context["form"]["submission_key"].value()
    data = {
        "caregiver_first_name": "Lucía",
        "phone": "555-777-8888",
        "language": "es",
        "consent_to_contact": "on",
        "submission_key": key,
    }
    statuses = post_at_once(url, data, times=4)
    assert statuses == [302] * 4
    assert Referral.objects.count() == 1
    # The losers' family records went with their transactions.
    assert Family.objects.count() == 1
