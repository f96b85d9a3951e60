"""`/api/matching/waiting` and `/api/matching/matches`, with a personal token and with the
session: scoped as the pages, audited as the same reads; referrers and mentors see only what
the pages let them, another program nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.apitokens.services import token_create
from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import signed_in
from kindred.matching.tests.factories import active_match, offered_match, waiting_family
from kindred.referrals.models import Intake

pytestmark = pytest.mark.django_db

WAITING = "/api/matching/waiting"
MATCHES = "/api/matching/matches"


def bearer(user, programs):
    _token, secret = token_create(
        user=user, name="test", programs=programs, can_write=False, days=30
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_coordinators_token_reads_the_waiting_list_overdue_first_and_it_is_audited(
    mworld, client
) -> None:
    first = mworld.objects["family"]
    late = waiting_family(mworld, name="Overdue", language="en", zip_code="60601")
    Intake.objects.filter(referral__family=late).update(
        done_at=timezone.now() - timedelta(hours=60)
    )
    auth = bearer(mworld.coordinator, [mworld.program_a])
    response = client.get(f"{WAITING}?program={mworld.program_a.pk}", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and body["target_hours"] == 48
    assert [i["family_id"] for i in body["items"]] == [late.pk, first.pk]
    assert body["items"][0]["overdue"] and body["items"][0]["hours_waited"] >= 60
    assert not body["items"][1]["overdue"]
    assert AuditEvent.objects.filter(
        action="matching.waiting.viewed", actor=mworld.coordinator, program=mworld.program_a
    ).exists()
    paged = client.get(f"{WAITING}?program={mworld.program_a.pk}&limit=1&offset=1", **auth)
    assert paged.json()["count"] == 2
    assert [i["family_id"] for i in paged.json()["items"]] == [first.pk]
    spanish = client.get(f"{WAITING}?program={mworld.program_a.pk}&language=es", **auth)
    assert [i["family_id"] for i in spanish.json()["items"]] == [first.pk]
    by_zip = client.get(f"{WAITING}?program={mworld.program_a.pk}&zip=60601", **auth)
    assert [i["family_id"] for i in by_zip.json()["items"]] == [late.pk]


def test_a_family_with_an_active_match_leaves_the_waiting_list_and_shows_in_matches(
    mworld,
) -> None:
    family = mworld.objects["family"]
    match = active_match(mworld, family, mworld.objects["ana"])
    client = mworld.client("coordinator")  # the session
    waiting = client.get(f"{WAITING}?program={mworld.program_a.pk}")
    assert waiting.status_code == 200 and waiting.json()["count"] == 0
    response = client.get(f"{MATCHES}?program={mworld.program_a.pk}&state=active")
    assert response.status_code == 200, response.content
    (item,) = response.json()["items"]
    assert item["id"] == match.pk and item["state"] == "active"
    assert item["mentor_id"] == mworld.objects["ana"].pk and item["family_id"] == family.pk
    assert item["started_at"] and item["fit_check_due"]
    assert client.get(f"{MATCHES}?program={mworld.program_a.pk}&state=closed").json() == {
        "count": 0,
        "items": [],
    }
    assert AuditEvent.objects.filter(
        action="matching.match.listed", actor=mworld.coordinator
    ).exists()


def test_a_mentor_reads_only_their_own_matches_from_the_offer_on(mworld, client) -> None:
    from kindred.matching.services import propose

    ana, bea = mworld.objects["ana"], mworld.objects["bea"]
    other = waiting_family(mworld, name="Otherfam", language="en")
    mine = offered_match(mworld, mworld.objects["family"], ana)
    offered_match(mworld, other, bea)  # someone else's
    propose(family=other, mentor=ana, by=mworld.coordinator)  # a proposal: not shown
    auth = bearer(mworld.mentor, [mworld.program_a])
    response = client.get(MATCHES, **auth)  # one program: no ?program= needed
    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()["items"]] == [mine.pk]
    assert client.get(f"{WAITING}?program={mworld.program_a.pk}", **auth).status_code == 403


def test_referrers_get_403_and_another_program_404(mworld, client) -> None:
    active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    referrer = bearer(mworld.referrer, [mworld.program_a])
    for url in (WAITING, MATCHES, f"{MATCHES}?program={mworld.program_a.pk}"):
        assert client.get(url, **referrer).status_code == 403, url
    outsider = signed_in(client, mworld.outsider)
    for url in (
        f"{WAITING}?program={mworld.program_a.pk}",
        f"{MATCHES}?program={mworld.program_a.pk}",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "Quintero" not in response.content.decode()
    # The outsider's own program has no matches of program A.
    own = outsider.get(f"{MATCHES}?program={mworld.program_b.pk}")
    assert own.status_code == 200 and own.json()["count"] == 0


def test_bad_filters_are_400_and_anonymous_401(mworld, client) -> None:
    auth = bearer(mworld.coordinator, [mworld.program_a])
    for url in (
        f"{MATCHES}?state=nonsense",
        f"{MATCHES}?limit=0",
        f"{WAITING}?zip=6o6",
        f"{WAITING}?language=xx-nope",
        f"{WAITING}?program=99999999999",
    ):
        assert client.get(url, **auth).status_code == 400, url
    assert client.get(WAITING).status_code == 401
