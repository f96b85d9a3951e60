"""The directory's pages in the permission walk (kindred/core/tests/test_permission_walk.py)."""

from datetime import date
from typing import Any

from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route
from kindred.directory.hsds import KINDRED_TAXONOMY_ID, term_id

CURATOR = {"curator"}
SHARERS_A = {"coordinator", "supervisor", "mentor", "referrer"}
# Pages of "the current program": the outsider works in program B there.
SHARERS = SHARERS_A | {"outsider"}
FAMILY_READERS_A = {"coordinator", "supervisor"}
MANAGERS = {"coordinator", "admin", "outsider"}


def _link(world: Any) -> str:
    links = world.objects["directory_service"].service_at_locations
    return str(links.values_list("pk", flat=True).first())


def setup(world: Any) -> None:
    from kindred.directory.models import SharedList, SharedListItem
    from kindred.directory.tests.factories import make_organization, make_service
    from kindred.directory.views_share import share_create
    from kindred.families.inputs import CaregiverInput, ChildInput, ConsentInput, FamilyInput
    from kindred.families.models import Consent
    from kindred.families.services import family_create

    organization = make_organization(world.org_a)
    service = make_service(organization, by=world.users["curator"])
    shared_list = SharedList.objects.create(
        program=world.program_a, name="Cardiology list A", created_by=world.users["coordinator"]
    )
    SharedListItem.objects.create(
        shared_list=shared_list, service=service, added_by=world.users["coordinator"]
    )
    family = family_create(
        program=world.program_a,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(
                    first_name="Directorina",
                    last_name="Sharewell",
                    relationship="mother",
                    email="directorina@example.test",
                    preferred_language="es",
                )
            ],
            children=[
                ChildInput(first_name="Pip", last_name="Sharewell", date_of_birth=date(2022, 5, 1))
            ],
            consents=[ConsentInput(scope=Consent.Scope.CONTACT)],
        ),
        by=world.users["coordinator"],
    )
    share = share_create(
        family=family, services=[service], language="es", email="", by=world.users["coordinator"]
    )
    # A share of program B: its public page may name program B, never program A.
    family_b = family_create(
        program=world.program_b,
        family=FamilyInput(
            caregivers=[
                CaregiverInput(first_name="Bea", last_name="Otherside", relationship="mother")
            ]
        ),
        by=world.users["outsider"],
    )
    share_b = share_create(
        family=family_b, services=[service], language="en", email="", by=world.users["outsider"]
    )
    from kindred.directory.models import ResourceShare

    token, token_hash = ResourceShare.new_token()
    ResourceShare.objects.filter(pk=share_b.pk).update(token_hash=token_hash)
    world.objects.update(
        directory_org=organization,
        directory_service=service,
        directory_list=shared_list,
        directory_family=family,
        directory_share=share,
        directory_token_b=token,
    )
    world.objects.setdefault("canaries", []).extend(
        ["Directorina", "Sharewell", "Cardiology list A"]
    )


def _service(w: Any) -> dict[str, Any]:
    return {"pk": w.objects["directory_service"].pk}


ROUTES = [
    Route("directory:search", allowed=SIGNED_IN, query="q=heart&zip=60614&miles=25"),
    Route("directory:service", allowed=SIGNED_IN, kwargs=_service),
    Route(
        "directory:folder",
        allowed=SHARERS,
        query="service=00000000-0000-0000-0000-000000000000",
        ok_status=frozenset({200, 302}),
    ),
    Route(
        "directory:public",
        allowed=PUBLIC,
        kwargs=lambda w: {"slug": w.program_b.slug},
        query="zip=60614",
    ),
    Route(
        "directory:public_service",
        allowed=PUBLIC,
        kwargs=lambda w: {"slug": w.program_b.slug, "pk": w.objects["directory_service"].pk},
    ),
    Route("directory:lists", allowed=SHARERS),
    Route(
        "directory:list_detail",
        allowed=SHARERS_A,
        kwargs=lambda w: {"pk": w.objects["directory_list"].pk},
        not_found={"outsider"},
    ),
    Route(
        "directory:list_add",
        allowed=SHARERS_A,
        method="POST",
        kwargs=_service,
        data=lambda w: {"shared_list": w.objects["directory_list"].pk},
        not_found={"outsider"},
    ),
    Route(
        "directory:list_remove",
        allowed=SHARERS_A,
        method="POST",
        kwargs=lambda w: {
            "pk": w.objects["directory_list"].pk,
            "service_pk": w.objects["directory_service"].pk,
        },
        not_found={"outsider"},
    ),
    Route("directory:curate", allowed=CURATOR),
    Route("directory:organization_new", allowed=CURATOR),
    Route(
        "directory:organization_edit",
        allowed=CURATOR,
        kwargs=lambda w: {"pk": w.objects["directory_org"].pk},
    ),
    Route("directory:service_new", allowed=CURATOR),
    Route("directory:service_edit", allowed=CURATOR, kwargs=_service),
    Route("directory:service_verify", allowed=CURATOR, method="POST", kwargs=_service),
    Route(
        "directory:service_status",
        allowed=CURATOR,
        method="POST",
        kwargs=_service,
        data=lambda w: {"status": "inactive", "reason": "walk"},
    ),
    Route("directory:import", allowed=CURATOR),
    Route("directory:export_json", allowed=SIGNED_IN),
    Route("directory:export_csv", allowed=SIGNED_IN),
    Route("directory:publish", allowed=MANAGERS),
    Route("directory:share_new", allowed=SHARERS),
    Route(
        "directory:share_detail",
        allowed=FAMILY_READERS_A,
        kwargs=lambda w: {"pk": w.objects["directory_share"].pk},
        not_found={"mentor", "outsider", "referrer"},
    ),
    Route(
        "directory:share_pdf",
        allowed=FAMILY_READERS_A,
        kwargs=lambda w: {"pk": w.objects["directory_share"].pk},
        not_found={"mentor", "outsider", "referrer"},
    ),
    Route(
        "directory:shared_page",
        allowed=PUBLIC,
        kwargs=lambda w: {"token": w.objects["directory_token_b"]},
    ),
    # The read-only HSDS API: public.
    Route("hsds:root", allowed=PUBLIC),
    Route("hsds:api-root", allowed=PUBLIC),
    Route("hsds:services", allowed=PUBLIC, query="search=heart&postcode=60614&proximity=40000"),
    Route(
        "hsds:service",
        allowed=PUBLIC,
        kwargs=lambda w: {"id": str(w.objects["directory_service"].pk)},
    ),
    Route("hsds:organizations", allowed=PUBLIC),
    Route(
        "hsds:organization",
        allowed=PUBLIC,
        kwargs=lambda w: {"id": str(w.objects["directory_org"].pk)},
    ),
    Route("hsds:service_at_locations", allowed=PUBLIC, query="postcode=60614&proximity=40000"),
    Route("hsds:service_at_location", allowed=PUBLIC, kwargs=lambda w: {"id": _link(w)}),
    Route("hsds:taxonomies", allowed=PUBLIC, query="search=peer&format=json"),
    Route("hsds:taxonomy", allowed=PUBLIC, kwargs=lambda w: {"id": str(KINDRED_TAXONOMY_ID)}),
    Route("hsds:taxonomy_terms", allowed=PUBLIC, query="taxonomy_id=" + str(KINDRED_TAXONOMY_ID)),
    Route(
        "hsds:taxonomy_term",
        allowed=PUBLIC,
        kwargs=lambda w: {"id": str(term_id("kind:support_group"))},
    ),
    Route("hsds:openapi-json", allowed=PUBLIC),
    Route("hsds:openapi-view", allowed=PUBLIC),
    # The same services in the Kindred JSON API (signed in): a real listed service this time.
    Route("api:service_list", allowed=SIGNED_IN, query="search=heart&page=1&per_page=5"),
    Route(
        "api:service_detail",
        allowed=SIGNED_IN,
        kwargs=lambda w: {"service_id": w.objects["directory_service"].pk},
    ),
]
