"""The home page's "Log a contact" card (first for a mentor) and the mentor's own page for
people who are not mentors (sent home with a message, in English and Spanish)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.core.testing.personas import make_user, signed_in
from kindred.programs.models import Membership
from kindred.programs.roles import Role

pytestmark = pytest.mark.django_db


def _card_titles(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'<h2 id="card-\d+"><span>(.*?)</span>', html)
    ]


def test_a_mentor_sees_the_log_a_contact_card_first(eworld) -> None:
    # Other cards of a mentor: their own work (mentors app), group sessions, the program's.
    response = eworld.client("mentor").get(reverse("core:home"))
    assert response.status_code == 200
    titles = _card_titles(response)
    assert len(titles) > 1, titles  # there are other cards to come before
    assert titles[0] == "Log a contact"
    cards = response.context["cards"]
    assert cards[0]["template"] == "encounters/includes/home_card.html"
    html = response.content.decode()
    first_card = html[html.index('<section class="work-card') :]
    first_card = first_card[: first_card.index("</section>")]
    assert reverse("encounters:new") in first_card
    assert reverse("encounters:me") in first_card


def test_a_coordinator_without_a_mentor_record_gets_the_card_later_without_my_page(
    eworld,
) -> None:
    response = eworld.client("coordinator").get(reverse("core:home"))
    titles = _card_titles(response)
    assert "Log a contact" in titles and titles[0] != "Log a contact"
    card = next(c for c in response.context["cards"] if c["title"] == "Log a contact")
    assert card["priority"] > 10 and not card["is_mentor"]
    assert reverse("encounters:me") not in response.content.decode()


def test_people_without_the_card(eworld) -> None:
    for persona in ("supervisor", "referrer", "evaluator"):
        titles = _card_titles(eworld.client(persona).get(reverse("core:home")))
        assert "Log a contact" not in titles, persona


@pytest.mark.parametrize(
    "persona", ["coordinator", "supervisor", "referrer", "evaluator", "admin", "outsider"]
)
def test_my_page_sends_a_person_who_is_not_a_mentor_home_with_a_message(eworld, persona) -> None:
    client = eworld.client(persona)
    response = client.get(reverse("encounters:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1 and "page for mentors" in said[0], said
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "page for mentors" in home.content.decode()


def test_my_page_message_is_in_spanish(eworld) -> None:
    user = eworld.users["coordinator"]
    User.objects.filter(pk=user.pk).update(language="es")
    client = eworld.client("coordinator")
    response = client.get(reverse("encounters:me"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert "mentores" in said[0] and "page for mentors" not in said[0], said


def test_a_mentor_role_without_a_mentor_record_is_sent_home(eworld) -> None:
    """A mentor membership in program A without the mentor record (not yet set up)."""
    user = make_user("new.mentor@a.test", "New Mentor")
    Membership.objects.create(user=user, program=eworld.program_a, role=Role.MENTOR)
    client = signed_in(Client(), user)
    response = client.get(reverse("encounters:me"))
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    card = next(c for c in home.context["cards"] if c["title"] == "Log a contact")
    assert not card["is_mentor"] and card["tone"] == ""
    assert reverse("encounters:me") not in home.content.decode()


def test_the_mentor_still_gets_their_page(eworld) -> None:
    response = eworld.client("mentor").get(reverse("encounters:me"))
    assert response.status_code == 200
    assert response.context["mentor"] == eworld.objects["ana"]


def test_anonymous_is_sent_to_sign_in(eworld) -> None:
    response = eworld.client("anonymous").get(reverse("encounters:me"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
