"""The same bundle posted four times at once makes one referral (PostgreSQL: real concurrency)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from kindred.families.models import Family
from kindred.fhir.tests.helpers import bundle, register
from kindred.referrals.models import ExternalReferrer, Referral

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_it_creates_one_referral_when_the_same_bundle_arrives_four_times_at_once(world):
    sender = register(world)
    token = sender.token(Client())
    body = json.dumps(bundle())
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            http = Client()
            barrier.wait(timeout=30)
            answer = http.post(
                "/fhir/",
                body,
                content_type="application/fhir+json",
                headers={"Authorization": f"Bearer {token}"},
            )
            statuses.append(answer.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert statuses == [200] * 4
    assert Referral.objects.count() == 1
    assert Family.objects.count() == 1
    assert ExternalReferrer.objects.count() == 1
