"""schemathesis drives every operation of `/api/openapi.json` with generated input, authenticated
with a personal token that may write: no 5xx, and every answer fits the schema it documents
(status codes documented, bodies valid). Bounded: a few examples an operation."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kindred.apitokens.services import token_create
from kindred.referrals.tests.conftest import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world):
    make_referral(world)
    _token, secret = token_create(
        user=world.coordinator, name="fuzz", programs=[world.program_a], can_write=True, days=7
    )
    return secret


def test_the_api_answers_within_its_schema(token):
    from kindred.wsgi import application

    # Called straight through WSGI, each request's end would close the test's database
    # connection (Django's test client disconnects this too): on PostgreSQL the next request
    # would find no connection inside the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _run(application, token)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run(application, token):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            # A schema-valid referral may still break a rule the form holds (a phone or an
            # e-mail, consent): 400 is its documented answer, not a failure.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        call()
