"""The mentor's own child's age range (years, optional): the database refuses a range outside
0-26 or backwards; the application and edit forms say why before it gets there."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from kindred.mentors.models import Mentor
from kindred.mentors.tests.factories import make_applicant
from kindred.mentors.tests.test_application import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "low, high",
    [(7, 3), (0, 27), (30, None), (None, 40)],
)
def test_the_database_refuses_a_range_outside_0_26_or_backwards(mentor_world, low, high) -> None:
    mentor = make_applicant(mentor_world.program_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).update(child_age_from=low, child_age_to=high)


@pytest.mark.parametrize("low, high", [(None, None), (0, 0), (2, 6), (26, 26), (4, None)])
def test_the_database_takes_a_range_within_0_26(mentor_world, low, high) -> None:
    mentor = make_applicant(mentor_world.program_a)
    Mentor.objects.filter(pk=mentor.pk).update(child_age_from=low, child_age_to=high)
    mentor.refresh_from_db()
    assert (mentor.child_age_from, mentor.child_age_to) == (low, high)


def test_the_application_asks_for_the_range_with_why_and_refuses_bad_ones(mentor_world) -> None:
    url = reverse("mentors:apply", args=[mentor_world.program_a.slug])
    page = Client().get(url).content.decode()
    assert "a family often finds it easier to talk with a parent whose child was" in page
    for bad, message in (
        ({"child_age_from": "8", "child_age_to": "3"}, "cannot be younger than the first"),
        ({"child_age_from": "27"}, "Enter an age from 0 to 26 years."),
        ({"child_age_to": "99999999999"}, ""),
    ):
        response = Client().post(url, form_data(**bad))
        assert response.status_code == 400, bad
        assert message in response.content.decode()
    assert not Mentor.objects.exists()
    assert Client().post(url, form_data(child_age_from="1", child_age_to="5")).status_code == 302
    mentor = Mentor.objects.get()
    assert (mentor.child_age_from, mentor.child_age_to) == (1, 5)
