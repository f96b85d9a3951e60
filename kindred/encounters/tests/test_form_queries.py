"""The one-screen encounter form stays cheap: its number of queries does not grow with the
families, their people or the codebook's themes, and its chips, rendered in Python
(`forms.ChipsRendering`), are the very markup of the widget templates."""

import re

import pytest
from django.db import connection
from django.forms.widgets import Widget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from kindred.encounters.forms import ChipsRendering, EncounterForm
from kindred.encounters.models import Theme
from kindred.encounters.views import _services
from kindred.families.models import Family
from kindred.matching.tests.factories import waiting_family

pytestmark = pytest.mark.django_db

CHIP_FIELDS = ["families", "setting", "mode", "initiated_by", "support_types", "themes"]
CHIP_FIELDS += ["caregivers", "children", "mentors", "services", "concern"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(eworld, n: int, start: int) -> None:
    program = eworld.program_a
    for i in range(start, start + n):
        waiting_family(eworld, name=f"Grown{i}")
        parent = Theme.objects.create(program=program, slug=f"grown-{i}", name=f"Grown {i}")
        Theme.objects.create(
            program=program, slug=f"grown-{i}-sub", name=f"Grown {i} sub", parent=parent
        )


@pytest.mark.parametrize("persona", ["mentor", "coordinator"])
def test_the_form_queries_do_not_grow_with_families_and_themes(eworld, persona) -> None:
    client = eworld.client(persona)
    url = reverse("encounters:new")
    preselected = url + f"?family={eworld.objects['family'].pk}"
    _count(client, url)  # warm the per-process caches
    few, few_preselected = _count(client, url), _count(client, preselected)
    _grow(eworld, 4, 0)
    page = client.get(url).content.decode()
    assert page.count('name="themes"') == Theme.objects.filter(program=eworld.program_a).count()
    if persona == "coordinator":  # every open family of the program is choosable
        assert "Grown3" in page
    assert _count(client, url) == few
    assert _count(client, preselected) == few_preselected


def test_the_chips_are_the_widget_templates_markup(eworld, monkeypatch) -> None:
    _grow(eworld, 2, 10)
    family = eworld.objects["family"]
    program = eworld.program_a
    families = Family.objects.filter(program=program)

    def rendered() -> list[str]:
        data = MultiValueDict(
            {"families": [str(family.pk)], "support_types": ["emotional"], "setting": ["home"]}
        )
        form = EncounterForm(
            data,
            program=program,
            user=eworld.coordinator,
            families=families,
            services=_services(),
            preselected=[family.pk],
        )
        out = [str(form[name]) for name in CHIP_FIELDS]
        out += [str(option) for name in CHIP_FIELDS for option in form[name]]
        return out

    fast = rendered()
    monkeypatch.setattr(ChipsRendering, "_render", Widget._render)
    slow = rendered()
    assert fast == slow
    joined = "".join(fast)
    assert re.search(r'value="emotional"[^>]* checked>', joined)
    assert re.search(r'<label class="chip" for="id_families_0"><input type="checkbox"', joined)
