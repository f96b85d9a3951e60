"""Bad input answers a clear 4xx in the person's language, never a 500 (issue 16)."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent

NUL = "\x00"


@pytest.mark.parametrize(
    "name", ["hsds:services", "hsds:organizations", "hsds:service_at_locations"]
)
def test_it_refuses_a_nul_in_an_hsds_search_with_a_json_400(world, name) -> None:
    response = world.client("anonymous").get(reverse(name), {"search": f"heart{NUL}"})
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_it_answers_the_api_refusal_in_the_persons_language(world) -> None:
    response = world.client("anonymous").get(
        reverse("hsds:services"), {"search": NUL}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert "carácter NUL" in response.json()["detail"]


def test_it_refuses_a_nul_on_a_page_in_the_language_the_person_chose(world) -> None:
    client = world.client("coordinator")
    client.cookies["kindred_language"] = "es"
    response = client.get(reverse("directory:search"), {"q": f"x{NUL}y"})
    assert response.status_code == 400
    assert "carácter NUL" in response.content.decode()
    assert response["Cache-Control"] == "no-store, private"


def test_it_refuses_a_nul_in_a_parameter_name_a_path_or_a_cookie(world) -> None:
    client = world.client("coordinator")
    assert client.get(reverse("directory:search"), {f"q{NUL}": "x"}).status_code == 400
    assert client.get("/directory/" + "%00/").status_code == 400
    client.cookies["kindred_session"] = "abcdefghij" + NUL
    assert client.get(reverse("directory:search")).status_code == 400


def test_it_refuses_a_nul_in_a_posted_form_and_saves_nothing(world) -> None:
    url = reverse("referrals:self_refer", args=[world.program_a.slug])
    client = world.client("anonymous")
    response = client.post(
        url,
        {
            "caregiver_first_name": f"Lu{NUL}cía",
            "phone": "555-777-8888",
            "language": "es",
            "consent_to_contact": "on",
        },
    )
    assert response.status_code == 400
    from kindred.referrals.models import Referral

    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referrals.").exists()


def test_it_lets_ordinary_values_through(world) -> None:
    response = world.client("anonymous").get(reverse("hsds:services"), {"search": "corazón"})
    assert response.status_code == 200
