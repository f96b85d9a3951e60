"""People are greeted by the name they chose to be called, never by a title."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.accounts.models import TITLES, User, first_name_of
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Dr. Rosa María Alvarez", "Rosa"),
        ("Dra. Lucía Pérez", "Lucía"),
        ("Mr Sam Okafor", "Sam"),
        ("Prof. Dr. Ann Lee", "Ann"),
        ("Mx. Jordan Blake", "Jordan"),
        ("Ana", "Ana"),
        ("", ""),
    ],
)
def test_it_skips_titles_for_the_first_name(full_name, expected) -> None:
    assert first_name_of(full_name) == expected


@given(st.lists(st.sampled_from(sorted(TITLES)), max_size=3), st.text(min_size=1).filter(str.strip))
def test_a_greeting_is_never_a_title(titles, rest) -> None:
    user = User(email="x@a.test", full_name=" ".join([*[f"{t.title()}." for t in titles], rest]))
    greeting = user.get_short_name()
    assert greeting.strip(".,").casefold() not in TITLES or greeting == "x@a.test"


def test_it_greets_by_the_chosen_name(world) -> None:
    coordinator = world.users["coordinator"]
    coordinator.full_name = "Dr. Rosa María Alvarez"
    coordinator.save(update_fields=["full_name"])
    client = world.client("coordinator")
    assert "Welcome, Rosa" in client.get("/").content.decode()
    response = client.post(
        "/accounts/profile/",
        {
            "profile-full_name": "Dr. Rosa María Alvarez",
            "profile-preferred_name": "Rosi",
            "profile-language": "en",
        },
    )
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Welcome, Rosi" in page and "Welcome, Dr." not in page
    event = AuditEvent.objects.filter(action="accounts.user.changed").latest("pk")
    assert "preferred_name" in event.fields


def test_it_refuses_a_name_too_long(world) -> None:
    response = world.client("coordinator").post(
        "/accounts/profile/",
        {"profile-full_name": "A", "profile-preferred_name": "x" * 101, "profile-language": "en"},
    )
    assert response.status_code == 400
    world.users["coordinator"].refresh_from_db()
    assert world.users["coordinator"].preferred_name == ""
