import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.testing.personas import signed_in
from kindred.families.consent import may
from kindred.families.models import Caregiver, Child, Condition, Consent, Family
from kindred.families.tests.conftest import make_family
from kindred.families.tests.forms_data import ANA, MATEO, family_post

pytestmark = pytest.mark.django_db


def test_it_lists_and_searches_families(world, django_assert_max_num_queries) -> None:
    down = Condition.objects.get(program=None, code="Q90.9")
    garcia = make_family(world, child={"conditions": [down.pk]})
    for n in range(30):
        make_family(
            world,
            caregiver={
                "first_name": f"Pat{n}",
                "last_name": f"Lee{n:02d}",
                "phone": f"773-555-{n:04d}",
                "email": "",
                "preferred_language": "en",
            },
            child={
                "first_name": f"Kid{n}",
                "last_name": f"Lee{n:02d}",
                "date_of_birth": date(2020, 1, 1),
            },
        )
    make_family(
        world,
        program=world.program_b,
        by=world.outsider,
        caregiver={"first_name": "Bea", "last_name": "Outside"},
    )
    client = world.client("coordinator")
    with django_assert_max_num_queries(15):  # 15th: the audit chain's head
        response = client.get(reverse("families:list"))
    assert response.status_code == 200
    assert "31 families" in response.content.decode()
    assert "Outside" not in response.content.decode()

    def names(**criteria: object) -> str:
        # The search is posted and kept in the session: nothing of it reaches the URL.
        response = client.post(reverse("families:list"), criteria)
        assert response.status_code == 302
        assert response["Location"] == reverse("families:list")
        return client.get(reverse("families:list")).content.decode()

    assert "Ana García" in names(q="garcia")  # accents ignored
    assert "Lee05" not in names(q="garcia")
    assert "Ana García" in names(q="(312) 555-0142")
    assert "Ana García" in names(condition=down.pk)
    assert "Lee05" not in names(condition=down.pk)
    assert "Ana García" in names(language="es") and "Lee05" not in names(language="es")
    assert "Ana García" in names(q="mateo")
    client.post(reverse("families:list"), {"clear": "1"})
    assert "31 families" in client.get(reverse("families:list")).content.decode()
    assert AuditEvent.objects.filter(
        action="families.family.listed", actor=world.coordinator
    ).exists()
    assert garcia.pk


def test_it_creates_a_family_from_the_form(world) -> None:
    client = world.client("coordinator")
    page = client.get(reverse("families:create"))
    token = page.context["confirm_form"].initial["form_token"]
    data = family_post(
        caregivers=[ANA],
        children=[MATEO],
        extra={
            "form_token": token,
            "consent-scopes": ["contact", "share_with_mentor"],
            "zip_code": "60601",
        },
    )
    response = client.post(reverse("families:create"), data)
    family = Family.objects.get()
    assert response.status_code == 302 and response["Location"] == family.get_absolute_url()
    assert family.name == "García" and family.zip_code == "60601"
    caregiver = family.caregivers.get()
    assert (
        caregiver.interpreter_needed
        and caregiver.preferred_language == "es"
        and caregiver.is_primary
    )
    assert family.children.get().date_of_birth == date(2024, 3, 9)
    assert may(family, Consent.Scope.SHARE_WITH_MENTOR) and not may(family, Consent.Scope.GROUPS)
    page = client.get(family.get_absolute_url()).content.decode()
    assert "Mateo" in page and "Family record created" in page and "Consent granted" in page


def test_it_creates_one_family_from_a_double_submit(world) -> None:
    client = world.client("coordinator")
    token = client.get(reverse("families:create")).context["confirm_form"].initial["form_token"]
    data = family_post(caregivers=[ANA], children=[MATEO], extra={"form_token": token})
    first = client.post(reverse("families:create"), data)
    second = client.post(reverse("families:create"), data)
    assert Family.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_warns_about_likely_duplicates_before_saving(world, family) -> None:
    client = world.client("coordinator")
    data = family_post(
        caregivers=[{**ANA, "email": ""}], children=[MATEO], extra={"form_token": "t-dup"}
    )
    response = client.post(reverse("families:create"), data)
    assert response.status_code == 200
    assert "may already be in the program" in response.content.decode()
    assert Family.objects.count() == 1
    data["not_a_duplicate"] = "on"
    response = client.post(reverse("families:create"), data)
    assert response.status_code == 302 and Family.objects.count() == 2


def test_it_explains_bad_input_and_keeps_what_was_typed(world) -> None:
    client = world.client("coordinator")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = family_post(
        caregivers=[{**ANA, "phone": "55"}],
        children=[{**MATEO, "date_of_birth": tomorrow}],
        extra={"zip_code": "6060"},
    )
    response = client.post(reverse("families:create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The date of birth cannot be in the future." in page
    assert "Enter a phone number with its area code" in page
    assert "Enter a ZIP code of 5 digits" in page
    assert 'value="Ana"' in page
    assert not Family.objects.exists() and not Caregiver.objects.exists()


def test_it_explains_bad_input_in_spanish(world) -> None:
    world.coordinator.language = "es"
    world.coordinator.save(update_fields=["language"])
    client = world.client("coordinator")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = family_post(caregivers=[ANA], children=[{**MATEO, "date_of_birth": tomorrow}])
    response = client.post(reverse("families:create"), data)
    assert "La fecha de nacimiento no puede ser futura." in response.content.decode()


def _edit_data(family: Family, page: object, **changes: str) -> dict:
    context = page.context  # type: ignore[attr-defined]
    caregivers = [
        {
            k: ("on" if v is True else v)
            for k, v in {
                "id": c.pk,
                **{
                    f: getattr(c, f)
                    for f in (
                        "first_name",
                        "last_name",
                        "relationship",
                        "phone",
                        "email",
                        "preferred_language",
                        "preferred_contact_method",
                    )
                },
                "is_primary": c.is_primary,
            }.items()
            if v is not False
        }
        for c in family.caregivers.filter(is_active=True)
    ]
    children = [
        {
            "id": c.pk,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else "",
        }
        for c in family.children.filter(is_active=True)
    ]
    data = family_post(
        caregivers=caregivers,
        children=children,
        caregiver_total=len(caregivers) + 1,
        child_total=len(children) + 1,
        caregiver_initial=len(caregivers),
        child_initial=len(children),
        extra={
            "name": family.name,
            "notes": family.notes,
            "zip_code": family.zip_code,
            "version": context["version_form"].initial["version"],
            "snapshot": context["version_form"].initial["snapshot"],
        },
    )
    data.update(changes)
    return data


def test_it_tells_the_second_editor_what_changed(world, family) -> None:
    from kindred.core.testing.personas import make_user
    from kindred.programs.models import Membership, Role

    second = make_user("coordinator2@a.test", "Coordinator Two")
    Membership.objects.create(user=second, program=world.program_a, role=Role.COORDINATOR)
    one, two = world.client("coordinator"), world.client("coordinator")
    signed_in(two, second)
    url = reverse("families:edit", args=[family.pk])
    page_one, page_two = one.get(url), two.get(url)
    data_one = _edit_data(family, page_one, **{"caregiver-0-phone": "312-555-0000"})
    data_two = _edit_data(family, page_two, notes="Prefers texts in Spanish.")
    assert one.post(url, data_one).status_code == 302
    response = two.post(url, data_two)
    page = response.content.decode()
    assert response.status_code == 409  # a conflict, not bad input
    assert "Someone else saved this family" in page
    assert "312-555-0000" in page and "(312) 555-0142" in page  # what the other person changed
    family.refresh_from_db()
    assert (
        family.notes == "" and family.caregivers.get().phone == "312-555-0000"
    )  # nothing overwritten
    # Saving again, knowingly, applies the second editor's version.
    data_again = dict(data_two)
    data_again["version"] = response.context["version_form"]["version"].value()
    data_again["snapshot"] = response.context["version_form"]["snapshot"].value()
    assert two.post(url, data_again).status_code == 302
    family.refresh_from_db()
    assert family.notes == "Prefers texts in Spanish."
    assert family.caregivers.get().phone == "(312) 555-0142"  # the form still showed the old phone
    assert AuditEvent.objects.filter(action="families.family.changed").count() == 2


def test_it_edits_and_removes_people_without_deleting_them(world, family) -> None:
    client = world.client("coordinator")
    url = reverse("families:edit", args=[family.pk])
    data = _edit_data(
        family,
        client.get(url),
        **{
            "child-0-remove": "on",
            "child-1-first_name": "Lucía",
            "child-1-date_of_birth": "2019-05-05",
        },
    )
    assert client.post(url, data).status_code == 302
    assert family.children.filter(is_active=True).get().first_name == "Lucía"
    assert Child.objects.filter(family=family).count() == 2  # Mateo kept, inactive


def test_it_records_and_withdraws_consent(world, family) -> None:
    client = world.client("coordinator")
    url = reverse("families:consent", args=[family.pk])
    caregiver = family.caregivers.get()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {
        "scope": "contact",
        "decision": "withdrawn",
        "method": "verbal",
        "given_by": caregiver.pk,
        "effective_at": now,
    }
    assert client.post(url, data).status_code == 302
    assert not may(family, Consent.Scope.CONTACT)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**data, "decision": "granted", "effective_at": future})
    assert (
        response.status_code == 400 and "cannot be dated in the future" in response.content.decode()
    )
    assert not may(family, Consent.Scope.CONTACT)


def test_it_closes_with_a_reason_and_never_deletes(world, family) -> None:
    client = world.client("coordinator")
    url = reverse("families:status", args=[family.pk])
    response = client.post(url, {"action": "close", "reason": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert client.post(url, {"action": "close", "reason": "Moved away"}).status_code == 302
    family.refresh_from_db()
    assert family.status == "closed" and family.transitions.get().reason == "Moved away"
    assert client.post(url, {"action": "entered_in_error", "reason": "Test"}).status_code == 302
    response = client.post(url, {"action": "reopen"})
    assert "not possible" in response.content.decode()
    assert Family.objects.filter(pk=family.pk).exists()


def test_it_merges_two_records_from_the_page(world, family) -> None:
    twin = make_family(
        world,
        caregiver={
            "first_name": "Ana",
            "last_name": "Garcia",
            "phone": "312-555-0142",
            "email": "",
        },
    )
    client = world.client("coordinator")
    url = reverse("families:merge", args=[family.pk])
    assert f"#{twin.pk}" in client.get(url).content.decode()  # suggested as a likely duplicate
    response = client.post(url, {"other": twin.pk})
    assert response.status_code == 400 and Family.objects.get(pk=twin.pk).status == "active"
    assert client.post(url, {"other": twin.pk, "confirm": "on"}).status_code == 302
    assert family.caregivers.count() == 2
    assert Family.objects.get(pk=twin.pk).merged_into_id == family.pk


def test_it_validates_ownership(world, family) -> None:
    client = world.client("outsider")
    for name in ("detail", "edit", "consent", "status", "merge"):
        assert client.get(reverse(f"families:{name}", args=[family.pk])).status_code == 404, name
    outsiders_family = make_family(world, program=world.program_b, by=world.outsider)
    response = world.client("coordinator").post(
        reverse("families:merge", args=[family.pk]), {"other": outsiders_family.pk, "confirm": "on"}
    )
    assert response.status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="families.family.access_denied", actor=world.outsider
        ).count()
        == 5
    )
    assert (
        world.client("supervisor").get(reverse("families:edit", args=[family.pk])).status_code
        == 403
    )
    assert world.client("mentor").get(family.get_absolute_url()).status_code == 404


def test_it_exports_with_formulas_neutralised(world) -> None:
    make_family(
        world,
        caregiver={
            "first_name": '=HYPERLINK("http://x")',
            "last_name": "+Evil",
            "phone": "",
            "email": "",
        },
        family={"name": "@Sum"},
    )
    client = world.client("coordinator")
    response = client.get(reverse("families:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (
        rows[1][1] == "'@Sum"
        and rows[1][3] == '\'=HYPERLINK("http://x")'
        and rows[1][4] == "'+Evil"
    )
    from openpyxl import load_workbook

    response = client.get(reverse("families:export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert values[1] == "'@Sum" and values[3].startswith("'=")
    assert AuditEvent.objects.filter(action="families.family.exported").count() == 2


def test_it_tells_an_editor_the_family_was_closed_meanwhile(world, family) -> None:
    client = world.client("coordinator")
    url = reverse("families:edit", args=[family.pk])
    data = _edit_data(family, client.get(url), notes="Call on Friday.")
    family.transition(to=Family.Status.CLOSED, reason="Moved away", by=world.supervisor)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 409 and "Someone else saved this family" in page
    assert "<td>Active</td><td>Closed</td>" in page
    family.refresh_from_db()
    assert family.notes == ""
