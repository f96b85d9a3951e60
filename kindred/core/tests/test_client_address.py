"""The client address audit rows and throttles count (kindred.lib.http.client_address).

Behind proxies, only the entries the trusted proxies appended to X-Forwarded-For are facts;
the left-most ones are whatever the client sent."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from kindred.lib.http import client_address


def address(forwarded: str | None, *, remote: str = "10.9.0.1", proxies: int = 1) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(USE_X_FORWARDED_FOR=True, TRUSTED_PROXY_COUNT=proxies):
        return client_address(RequestFactory().get("/", **extra))


def test_it_takes_the_entry_the_trusted_proxy_appended() -> None:
    assert address("203.0.113.7") == "203.0.113.7"
    assert address("1.2.3.4, 203.0.113.7") == "203.0.113.7"
    assert address("1.2.3.4, 5.6.7.8,203.0.113.7") == "203.0.113.7"


def test_it_counts_places_from_the_right_for_a_chain_of_proxies() -> None:
    assert address("1.2.3.4, 203.0.113.7, 10.0.0.2", proxies=2) == "203.0.113.7"
    assert address("2001:db8::1, 10.0.0.2", proxies=2) == "2001:db8::1"


def test_it_falls_back_to_the_peer_on_a_short_or_malformed_header() -> None:
    assert address(None) == "10.9.0.1"
    assert address("") == "10.9.0.1"
    assert address("203.0.113.7", proxies=2) == "10.9.0.1"
    assert address("1.2.3.4, not-an-address") == "10.9.0.1"
    assert address("1.2.3.4, ") == "10.9.0.1"
    assert address("1.2.3.4, 203.0.113.7:8080") == "10.9.0.1"


def test_it_ignores_the_header_unless_told_to_trust_a_proxy() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.9.0.1"


def _spoofing_client(n: int, real: str) -> dict[str, str]:
    # What nginx passes on for a client that sent "X-Forwarded-For: 198.51.100.<n>".
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}, {real}"}


def _self_referral(client: Client, url: str, n: int) -> dict[str, str]:
    page = client.get(url)
    return {
        "caregiver_first_name": f"Parent{n}",
        "phone": f"555-100-{n:04}",
        "language": "en",
        "consent_to_contact": "on",
        "submission_key": page.context["form"]["submission_key"].value(),
    }


@pytest.mark.django_db
@override_settings(USE_X_FORWARDED_FOR=True, REFERRALS_SELF_REFERRALS_PER_ADDRESS_PER_HOUR=3)
def test_it_keeps_the_self_referral_limit_against_spoofed_left_most_entries(world) -> None:
    from kindred.referrals.models import Referral

    url = reverse("referrals:self_refer", args=[world.program_a.slug])
    statuses = []
    for n in range(5):
        client = Client(**_spoofing_client(n, "203.0.113.7"))
        statuses.append(client.post(url, _self_referral(client, url, n)).status_code)
    assert statuses == [302, 302, 302, 429, 429]
    assert Referral.objects.count() == 3
    # Another real address is not affected.
    client = Client(**_spoofing_client(9, "203.0.113.8"))
    assert client.post(url, _self_referral(client, url, 99)).status_code == 302


@pytest.mark.django_db
@override_settings(USE_X_FORWARDED_FOR=True, LOGIN_FAILURES_PER_ADDRESS=3)
def test_it_keeps_a_locked_out_address_out_whatever_it_forwards(world) -> None:
    from kindred.core.testing.personas import PASSWORD

    def login(n: int, email: str, password: str) -> int:
        client = Client(**_spoofing_client(n, "203.0.113.9"))
        data = {"username": email, "password": password}
        return client.post("/accounts/login/", data).status_code

    for n in range(3):
        assert login(n, f"nobody{n}@a.test", "wrong password!!") == 200
    assert login(7, "mentor@a.test", PASSWORD) == 429
    assert (
        Client(**_spoofing_client(8, "203.0.113.10"))
        .post("/accounts/login/", {"username": "mentor@a.test", "password": PASSWORD})
        .status_code
        == 302
    )
