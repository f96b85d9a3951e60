"""The directory's pages: finding, curating, publishing, lists, folders and sharing."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.testing.access import denials
from kindred.core.testing.personas import make_user, signed_in
from kindred.directory import hsds
from kindred.directory.models import (
    Organization,
    ResourceShare,
    Service,
    ServiceEvent,
    ServiceStatus,
    SharedList,
)
from kindred.directory.pdf import folder_html
from kindred.directory.views_share import share_create
from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
from kindred.families.models import Consent
from kindred.families.services import family_create
from kindred.programs.models import OrganizationMembership, OrganizationRole
from kindred.programs.permissions import Cap


def make_family(
    world: Any, *, email: str = "ana@example.test", consent: bool = True, language: str = "es"
):
    return family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name="Ana",
                    last_name="Quintero",
                    relationship="mother",
                    email=email,
                    preferred_language=language,
                )
            ],
            children=[
                ChildInput(first_name="Leo", last_name="Quintero", date_of_birth=date(2022, 3, 4))
            ],
            consents=[ConsentInput(scope=Consent.Scope.CONTACT)] if consent else [],
        ),
        by=world.users["coordinator"],
    )


# --- Finding ----------------------------------------------------------------------------------


def test_it_searches_by_zip_and_condition_in_few_queries(
    world, directory, django_assert_max_num_queries
) -> None:
    client = world.client("referrer")
    url = reverse("directory:search") + "?zip=60614&miles=25&condition=heart"
    with django_assert_max_num_queries(14):
        response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Heart Parents Coffee Group" in content and "Heart Moms Online" in content
    assert "Trisomy 21 Family Circle" not in content and "Heart Families of Denver" not in content
    assert "miles away" in content


def test_it_explains_an_unknown_zip_in_the_readers_language(world, directory) -> None:
    client = world.client("mentor")
    client.cookies["kindred_language"] = "es"
    world.users["mentor"].language = "es"
    world.users["mentor"].save(update_fields=["language"])
    response = client.get(reverse("directory:search") + "?zip=00000")
    assert "No conocemos el código postal 00000" in response.content.decode()


def test_it_shows_spanish_texts_where_they_exist(world, directory) -> None:
    world.users["mentor"].language = "es"
    world.users["mentor"].save(update_fields=["language"])
    content = world.client("mentor").get(reverse("directory:search") + "?q=coffee").content.decode()
    assert "Café de Padres del Corazón" in content


def test_it_shows_a_service_and_hides_withdrawn_ones_from_others(world, directory) -> None:
    down = directory["down"]
    assert (
        world.client("outsider").get(reverse("directory:service", args=[down.pk])).status_code
        == 200
    )
    down.transition(to="inactive", by=world.users["curator"], reason="program ended")
    assert (
        world.client("outsider").get(reverse("directory:service", args=[down.pk])).status_code
        == 404
    )
    assert (
        world.client("curator").get(reverse("directory:service", args=[down.pk])).status_code == 200
    )


def test_it_serves_the_public_page_without_sign_in_in_spanish(world, directory, client) -> None:
    client.cookies["kindred_language"] = "es"
    response = client.get(
        reverse("directory:public", args=[world.program_a.slug]) + "?condition=heart"
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Café de Padres del Corazón" in content
    assert "Recursos de apoyo entre padres" in content
    assert client.get(reverse("directory:public", args=["no-such-program"])).status_code == 404
    detail = client.get(
        reverse("directory:public_service", args=[world.program_a.slug, directory["heart"].pk])
    )
    assert detail.status_code == 200


# --- Curating ---------------------------------------------------------------------------------


def _service_post(org: Organization, **changes: Any) -> dict[str, Any]:
    data = {
        "organization": str(org.pk),
        "name": "NICU Graduates Parent Line",
        "name_es": "Línea de Padres de Egresados de la UCIN",
        "description": "Veteran NICU parents answer your call.",
        "kind": "info_line",
        "condition_codes": ["prematurity"],
        "modality_codes": ["phone"],
        "referrer_codes": ["self", "provider"],
        "languages": ["en", "es"],
        "capacity": "open",
        "is_free": "on",
        "minimum_age": "0",
        "maximum_age": "3",
        "address_1": "1 Lake Shore Drive",
        "city": "Chicago",
        "state": "IL",
        "postal_code": "60611",
        "phone": "312-555-0142",
        "hours": "Weekdays 9–5",
    }
    data.update(changes)
    return data


def test_it_lets_a_curator_add_a_service_with_its_place(world, directory) -> None:
    client = world.client("curator")
    response = client.post(reverse("directory:service_new"), _service_post(directory["org"]))
    assert response.status_code == 302
    service = Service.objects.get(name="NICU Graduates Parent Line")
    assert service.language_list == ["en", "es"] and service.condition_list == ["prematurity"]
    assert service.phones.get().number == "312-555-0142"
    assert service.service_at_locations.get().location.latitude is not None
    assert not service.is_stale
    assert AuditEvent.objects.filter(
        action="directory.service.created", object_id=str(service.pk)
    ).exists()


def test_it_refuses_a_bad_service_with_clear_messages_and_saves_nothing(world, directory) -> None:
    client = world.client("curator")
    before = Service.objects.count()
    response = client.post(
        reverse("directory:service_new"),
        _service_post(
            directory["org"],
            minimum_age="10",
            maximum_age="2",
            postal_code="00000",
            modality_codes=[],
        ),
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "The oldest age must be at least the youngest age." in content
    assert "We do not know the ZIP code 00000" in content
    assert "Choose at least one way the support is offered." in content
    assert Service.objects.count() == before


def test_it_keeps_curators_to_their_own_organizations_entries(world, directory) -> None:
    other = make_user("curator@b.test", "Curator B")
    OrganizationMembership.objects.create(
        user=other, organization=world.org_b, role=OrganizationRole.CURATOR
    )
    client = world.client("curator")
    signed_in(client, other)
    heart = directory["heart"]
    # A listed service is read by the whole network: curator B sees it, but may not keep it.
    assert client.get(reverse("directory:service_edit", args=[heart.pk])).status_code == 403
    assert client.post(reverse("directory:service_verify", args=[heart.pk])).status_code == 403
    # A withdrawn one is out of their reach altogether.
    withdrawn = directory["down"]
    Service.objects.filter(pk=withdrawn.pk).update(status=ServiceStatus.INACTIVE)
    assert client.get(reverse("directory:service_edit", args=[withdrawn.pk])).status_code == 404
    assert denials("directory.service") == [
        (other.pk, None, str(heart.pk), {"capability": Cap.DIRECTORY_CURATE}),
        (other.pk, None, str(heart.pk), {"capability": Cap.DIRECTORY_CURATE}),
        (other.pk, None, str(withdrawn.pk), {}),
    ]
    heart.refresh_from_db()
    assert not heart.events.filter(kind=ServiceEvent.Kind.VERIFIED, by=other).exists()
    # The outsider (a coordinator, not a curator) is refused the curation pages.
    assert world.client("outsider").get(reverse("directory:curate")).status_code == 403


def test_it_flags_stale_entries_and_verifying_clears_the_flag(world, directory) -> None:
    heart = directory["heart"]
    Service.objects.filter(pk=heart.pk).update(
        last_verified_at=timezone.now() - timedelta(days=400)
    )
    client = world.client("curator")
    content = client.get(reverse("directory:curate") + "?show=stale").content.decode()
    assert heart.name in content and "Trisomy 21 Family Circle" not in content
    client.post(reverse("directory:service_verify", args=[heart.pk]))
    heart.refresh_from_db()
    assert not heart.is_stale
    assert heart.events.filter(kind=ServiceEvent.Kind.VERIFIED, by=world.users["curator"]).exists()


def test_it_withdraws_a_service_with_a_transition_row(world, directory) -> None:
    heart = directory["heart"]
    world.client("curator").post(
        reverse("directory:service_status", args=[heart.pk]),
        {"status": "inactive", "reason": "group paused"},
    )
    row = heart.transitions.get()
    assert (row.from_status, row.to_status, row.reason, row.via) == (
        "active",
        "inactive",
        "group paused",
        "curator",
    )
    assert not Service.objects.listed().filter(pk=heart.pk).exists()


def test_it_shows_a_refused_status_change_on_the_service_page(world, directory) -> None:
    heart = directory["heart"]
    response = world.client("curator").post(
        reverse("directory:service_status", args=[heart.pk]),
        {"status": "gone-fishing", "reason": "Reason kept for the curator"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and 'value="Reason kept for the curator"' in page
    heart.refresh_from_db()
    assert heart.status == "active" and not heart.events.filter(kind="status_changed").exists()


def test_it_imports_hsds_files_from_the_page_and_reports_errors(world, hsds_dir) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("curator")
    files = [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted((hsds_dir / "examples/csv").glob("*.csv"))
    ]
    response = client.post(reverse("directory:import"), {"files": files})
    assert response.status_code == 200 and "Imported 1 services" in response.content.decode()
    bad = SimpleUploadedFile(
        "services.csv", b"id,name,status\nnot-a-uuid,X,active\n", content_type="text/csv"
    )
    response = client.post(reverse("directory:import"), {"files": [bad]})
    assert response.status_code == 400 and "nothing was imported" in response.content.decode()
    assert Service.objects.count() == 1


def test_it_exports_hsds_json_and_csv(world, directory) -> None:
    from kindred.directory import hsds

    client = world.client("evaluator")
    data = client.get(reverse("directory:export_json")).json()
    assert len(data) == 4 and all(not hsds.validation_errors("service", item) for item in data)
    response = client.get(reverse("directory:export_csv"))
    assert response["Content-Type"] == "application/zip"


# --- Publishing a program ---------------------------------------------------------------------


def test_it_publishes_a_program_and_keeps_it_in_sync_with_its_settings(world) -> None:
    client = world.client("coordinator")
    response = client.post(
        reverse("directory:publish"),
        {"publish": "on", "phone": "312-555-0199", "zip_code": "60611"},
    )
    assert response.status_code == 302
    service = Service.objects.get(source_program=world.program_a)
    assert service.status == "active" and service.language_list == ["en", "es"]
    assert service.kind == "one_to_one" and "Family Partner" in service.description
    assert service.organization.steward_id == world.org_a.pk
    # The program settings page keeps the entry in step.
    client.post(
        reverse("programs:settings"),
        {
            "name": "Program A Renamed",
            "scope": "hospital_wide",
            "offers_one_to_one": "on",
            "offers_virtual": "on",
            "mentor_title": "Family Partner",
            "first_contact_target_hours": "48",
            "languages_text": "en, es, vi",
        },
    )
    service.refresh_from_db()
    assert service.name == "Program A Renamed" and service.language_list == ["en", "es", "vi"]
    assert service.serves_remotely
    client.post(reverse("directory:publish"), {})
    service.refresh_from_db()
    assert service.status == "inactive"
    assert [(t.from_status, t.to_status, t.via) for t in service.transitions.all()] == [
        ("inactive", "active", "program"),
        ("active", "inactive", "program"),
    ]


def test_it_does_not_list_a_program_that_never_asked(world) -> None:
    world.client("coordinator").post(
        reverse("programs:settings"),
        {
            "name": "Program A",
            "scope": "hospital_wide",
            "mentor_title": "FP",
            "first_contact_target_hours": "48",
        },
    )
    assert not Service.objects.filter(source_program=world.program_a).exists()


def test_it_refuses_publishing_to_people_who_do_not_manage_the_program(world) -> None:
    assert world.client("mentor").get(reverse("directory:publish")).status_code == 403
    # The outsider's current program is B: publishing there never touches program A.
    world.client("outsider").post(reverse("directory:publish"), {"publish": "on"})
    assert not Service.objects.filter(source_program=world.program_a).exists()
    assert Service.objects.filter(source_program=world.program_b).exists()


# --- Lists and folders ------------------------------------------------------------------------


def test_it_shares_lists_of_favourites_within_a_program(world, directory) -> None:
    client = world.client("referrer")
    client.post(reverse("directory:lists"), {"name": "Our cardiology list"})
    shared_list = SharedList.objects.get(name="Our cardiology list")
    client.post(
        reverse("directory:list_add", args=[directory["heart"].pk]), {"shared_list": shared_list.pk}
    )
    content = (
        world.client("mentor")
        .get(reverse("directory:list_detail", args=[shared_list.pk]))
        .content.decode()
    )
    assert "Heart Parents Coffee Group" in content
    assert (
        world.client("outsider")
        .get(reverse("directory:list_detail", args=[shared_list.pk]))
        .status_code
        == 404
    )
    response = world.client("outsider").post(
        reverse("directory:list_add", args=[directory["down"].pk]), {"shared_list": shared_list.pk}
    )
    assert response.status_code == 404 and shared_list.items.count() == 1
    duplicate = client.post(reverse("directory:lists"), {"name": "our cardiology LIST"})
    assert duplicate.status_code == 400
    assert "already has a list with this name" in duplicate.content.decode()
    assert 'value="our cardiology LIST"' in duplicate.content.decode()
    response = client.post(
        reverse("directory:list_add", args=[directory["down"].pk]), {"shared_list": "ours"}
    )
    assert response.status_code == 400
    assert "Choose one of your program&#x27;s lists." in response.content.decode()
    assert shared_list.items.count() == 1


def test_it_makes_a_pdf_folder_of_ticked_resources(world, directory) -> None:
    heart, down = directory["heart"], directory["down"]
    response = world.client("referrer").get(
        reverse("directory:folder"), {"service": [str(heart.pk), str(down.pk)], "lang": "es"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        world.client("evaluator")
        .get(reverse("directory:folder"), {"service": str(heart.pk)})
        .status_code
        == 403
    )


def test_it_writes_the_folder_in_the_familys_language_where_text_exists(world, directory) -> None:
    ids = [directory["heart"].pk, directory["down"].pk]
    spanish = folder_html(program=world.program_a, service_ids=ids, language="es")
    assert (
        "Café de Padres del Corazón" in spanish
        and "Teléfono" in spanish
        and "Martes de 6 a 8 pm" in spanish
    )
    assert "Trisomy 21 Family Circle" in spanish  # no Spanish name: the English one
    assert "Program A" in spanish and "312-555-0100" in spanish
    english = folder_html(program=world.program_a, service_ids=ids, language="en")
    assert "Heart Parents Coffee Group" in english and "Phone" in english


# --- Sharing with a family --------------------------------------------------------------------


def test_it_shares_resources_with_a_family_by_e_mail_without_health_details(
    world, directory, django_capture_on_commit_callbacks
) -> None:
    family = make_family(world)
    client = world.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:share_new"),
            {
                "family": family.pk,
                "service": [str(directory["heart"].pk), str(directory["online"].pk)],
                "language": "es",
                "send_email": "on",
            },
        )
    share = ResourceShare.objects.get(family=family)
    assert response.status_code == 302 and share.services.count() == 2 and share.language == "es"
    message = mail.outbox[-1]
    assert message.to == ["ana@example.test"]
    for secret in ("Quintero", "Ana", "heart", "corazón", "Leo"):
        assert secret.lower() not in (message.subject + message.body).lower()
    link = next(line for line in message.body.splitlines() if "/directory/shared/" in line).strip()
    page = world.client("anonymous").get(link[link.index("/directory/") :])
    assert page.status_code == 200 and "Café de Padres del Corazón" in page.content.decode()
    assert "Quintero" not in page.content.decode()
    event = AuditEvent.objects.get(action="directory.resourceshare.created")
    assert "Quintero" not in str(event.detail) and event.program_id == world.program_a.pk


def test_it_records_the_share_on_the_familys_timeline(world, directory, rf) -> None:
    from kindred.directory.timeline import timeline_entries

    family = make_family(world)
    share_create(
        family=family,
        services=[directory["heart"]],
        language="en",
        email="",
        by=world.users["coordinator"],
    )
    request = rf.get("/")
    request.user = world.users["coordinator"]
    entries = timeline_entries(family, request)
    assert [str(e.title) for e in entries] == ["Resources shared"] and "1 resource" in entries[
        0
    ].text
    pdf = world.client("supervisor").get(
        reverse("directory:share_pdf", args=[ResourceShare.objects.get().pk])
    )
    assert pdf.content.startswith(b"%PDF")


def test_it_refuses_to_e_mail_a_family_without_consent_and_saves_nothing(world, directory) -> None:
    family = make_family(world, consent=False)
    response = world.client("coordinator").post(
        reverse("directory:share_new"),
        {
            "family": family.pk,
            "service": [str(directory["heart"].pk)],
            "language": "en",
            "send_email": "on",
        },
    )
    assert response.status_code == 400
    assert "has not agreed to be contacted" in response.content.decode()
    assert not ResourceShare.objects.exists() and not mail.outbox


def test_it_keeps_other_programs_and_unmatched_mentors_away_from_a_familys_shares(
    world, directory
) -> None:
    family = make_family(world)
    share = share_create(
        family=family,
        services=[directory["heart"]],
        language="en",
        email="",
        by=world.users["coordinator"],
    )
    for persona in ("outsider", "mentor", "referrer"):
        client = world.client(persona)
        assert client.get(reverse("directory:share_detail", args=[share.pk])).status_code == 404, (
            persona
        )
        response = client.post(
            reverse("directory:share_new"),
            {"family": family.pk, "service": [str(directory["heart"].pk)]},
        )
        assert response.status_code == 404, persona
    assert ResourceShare.objects.count() == 1


@pytest.mark.parametrize("token", ["nope", "x" * 43])
def test_it_answers_404_to_unknown_share_links(db, client, token) -> None:
    assert client.get(reverse("directory:shared_page", args=[token])).status_code == 404


def test_it_lists_curated_entries_lists_and_the_public_page_in_bounded_queries(
    world, directory, client, django_assert_max_num_queries
) -> None:
    from kindred.directory.tests.factories import make_service

    for number in range(6):
        make_service(directory["org"], by=world.users["curator"], name=f"Extra group {number}")
    shared_list = SharedList.objects.create(
        program=world.program_a, name="All", created_by=world.users["coordinator"]
    )
    for service in Service.objects.all():
        shared_list.items.create(service=service, added_by=world.users["coordinator"])
    curator = world.client("curator")
    with django_assert_max_num_queries(14):
        assert curator.get(reverse("directory:curate")).status_code == 200
    coordinator = world.client("coordinator")
    with django_assert_max_num_queries(12):
        assert (
            coordinator.get(reverse("directory:list_detail", args=[shared_list.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("directory:public", args=[world.program_a.slug])).status_code == 200
        )


def test_it_moves_shares_to_the_kept_record_when_families_merge(world, directory) -> None:
    from kindred.families.services import family_merge

    keep, merged = make_family(world), make_family(world, email="other@example.test")
    share_create(
        family=merged,
        services=[directory["heart"]],
        language="es",
        email="",
        by=world.users["coordinator"],
    )
    family_merge(keep=keep, merged=merged, by=world.users["coordinator"], reason="same family")
    assert ResourceShare.objects.get().family_id == keep.pk


def _png(size: tuple[int, int] = (40, 20)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 139)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_prints_the_programs_logo_on_the_folder(world, directory) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("coordinator")
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(reverse("directory:publish"), {"publish": "on", "logo": bad})
    assert response.status_code == 200 and "logo" in response.content.decode().lower()
    assert not Organization.objects.exclude(logo_type="").exists()
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    assert (
        client.post(reverse("directory:publish"), {"publish": "on", "logo": logo}).status_code
        == 302
    )
    html = folder_html(program=world.program_a, service_ids=[directory["heart"].pk], language="en")
    assert 'src="data:image/png;base64,' in html
    assert "data:image/png;base64," in client.get(reverse("directory:publish")).content.decode()


def test_the_curation_form_shows_and_keeps_the_full_address(world, directory) -> None:
    client = world.client("curator")
    heart = directory["heart"]
    page = client.get(reverse("directory:service_edit", args=[heart.pk])).content.decode()
    for name in ("address_1", "address_2", "city", "state", "postal_code", "country"):
        assert f'name="{name}"' in page, name
    data = _service_post(
        directory["org"], name=heart.name, address_2="Suite 200", country="us", kind="support_group"
    )
    response = client.post(reverse("directory:service_edit", args=[heart.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    address = heart.service_at_locations.get().location.addresses.get()
    assert (address.address_2, address.country, address.city) == ("Suite 200", "US", "Chicago")
    page = client.get(reverse("directory:service_edit", args=[heart.pk])).content.decode()
    assert 'value="Suite 200"' in page


def test_the_curation_form_refuses_a_partial_address(world, directory) -> None:
    client = world.client("curator")
    before = Service.objects.count()
    response = client.post(
        reverse("directory:service_new"),
        _service_post(directory["org"], city="", state="", country="USA"),
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "Enter the city of this address." in content
    assert "Enter the state of this address." in content
    assert Service.objects.count() == before
    # A ZIP code alone still places a service (distance search), with no address to share.
    response = client.post(
        reverse("directory:service_new"),
        _service_post(directory["org"], address_1="", city="", state="", postal_code="60611"),
    )
    assert response.status_code == 302
    service = Service.objects.get(name="NICU Graduates Parent Line")
    assert "addresses" not in hsds.service_json(service)["service_at_locations"][0]["location"]
