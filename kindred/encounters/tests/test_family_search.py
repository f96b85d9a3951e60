"""The encounter form's family search: a GET filter (no JavaScript needed) by family name and
the first or last names of caregivers and children, among the families the person may document
only — a mentor's matched families; never another program's."""

import pytest
from django.urls import reverse

from kindred.encounters.models import Encounter
from kindred.encounters.tests.factories import form_data
from kindred.families.models import Family

pytestmark = pytest.mark.django_db


@pytest.fixture
def sworld(eworld):
    from kindred.matching.tests.factories import active_match, waiting_family

    zamora = waiting_family(eworld, name="Zamora")
    active_match(eworld, zamora, eworld.objects["ana"])
    child = zamora.children.get()
    child.first_name = "Lucía"
    child.save()
    zamora.refresh_search()
    # In program A but not matched to Ana: a coordinator's, never the mentor's.
    unmatched = waiting_family(eworld, name="Zamorano")
    other = Family.objects.create(program=eworld.program_b, name="Zamora")
    other.refresh_search()
    eworld.objects.update({"zamora": zamora, "unmatched": unmatched, "other": other})
    return eworld


def _listed(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    choices = [*response.context["primary_families"], *response.context["other_families"]]
    return {int(str(c.data["value"])) for c in choices}


def _get(world, persona: str, query: str):
    return world.client(persona).get(reverse("encounters:new") + query)


def test_a_mentor_searches_their_matched_families_only(sworld) -> None:
    o = sworld.objects
    everything = _listed(_get(sworld, "mentor", ""))
    assert everything == {o["family"].pk, o["zamora"].pk}
    assert _listed(_get(sworld, "mentor", "?q=zamora")) == {o["zamora"].pk}
    # Accents and case ignored; the child's first name; the caregiver's first and last name.
    assert _listed(_get(sworld, "mentor", "?q=LUCIA")) == {o["zamora"].pk}
    assert _listed(_get(sworld, "mentor", "?q=marisol+quintero")) == {o["family"].pk}
    assert _listed(_get(sworld, "mentor", "?q=teo")) == {o["family"].pk}


def test_the_search_never_lists_a_family_out_of_reach(sworld) -> None:
    o = sworld.objects
    response = _get(sworld, "mentor", "?q=zamorano")
    assert _listed(response) == set()
    html = response.content.decode()
    assert "Zamorano" not in html and "No family matches" in html
    coordinator = _listed(_get(sworld, "coordinator", "?q=zamora"))
    assert coordinator == {o["zamora"].pk, o["unmatched"].pk}
    assert o["other"].pk not in coordinator
    # Program B's coordinator searches B only: A's Zamora families never show.
    outsider = _get(sworld, "outsider", "?q=zamora")
    assert _listed(outsider) == {o["other"].pk}
    assert "Zamorano" not in outsider.content.decode()


def test_the_search_keeps_the_preselected_and_ticked_families(sworld) -> None:
    o = sworld.objects
    response = _get(sworld, "mentor", f"?match={o['match'].pk}&q=zamora")
    assert _listed(response) == {o["family"].pk, o["zamora"].pk}
    html = response.content.decode()
    assert f'name="match" value="{o["match"].pk}"' in html  # kept by the next search
    assert 'form="family-search"' in html and 'value="zamora"' in html


def test_a_post_from_a_searched_page_saves_any_family_of_the_person(sworld) -> None:
    o = sworld.objects
    client = sworld.client("mentor")
    url = reverse("encounters:new") + "?q=nobody"
    response = client.post(url, form_data(sworld, follow_up=None, follow_up_due=None))
    assert response.status_code == 302, response.content.decode()[:2000]
    encounter = Encounter.objects.get()
    assert list(encounter.families.all()) == [o["family"]]
    refused = client.post(url, form_data(sworld, families=[o["unmatched"].pk], caregivers=[]))
    assert refused.status_code == 400
    assert Encounter.objects.count() == 1


def test_a_long_search_is_cut_not_refused(sworld) -> None:
    response = _get(sworld, "mentor", "?q=" + "zamora+" * 200)
    assert _listed(response) == {sworld.objects["zamora"].pk}
