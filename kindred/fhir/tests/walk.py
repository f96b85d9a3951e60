from kindred.core.testing.walk import PUBLIC, Route

# The FHIR interactions take a SMART backend token only: anonymous 401, a browser session 403.
MANAGERS = {"coordinator", "admin"}


def setup(world) -> None:
    from kindred.fhir.models import FhirClient, FhirClientProgram

    client = FhirClient.objects.create(
        name="Walkcanary EHR",
        organization=world.org_a,
        jwks={"keys": []},
        created_by=world.users["coordinator"],
    )
    link = FhirClientProgram.objects.create(client=client, program=world.program_a)
    world.objects["fhir_link"] = link
    world.objects.setdefault("canaries", []).extend(["Walkcanary EHR", client.client_id])


ROUTES = [
    Route("fhir:metadata", allowed=PUBLIC),
    Route("fhir:smart_configuration", allowed=PUBLIC),
    # Everyone may ask for a token; a form without an assertion is a 400 OAuth error.
    Route(
        "fhir:token",
        allowed=PUBLIC,
        method="POST",
        data=lambda w: {"grant_type": "client_credentials"},
    ),
    Route("fhir:base", allowed=set(), method="POST"),
    Route("fhir:task_search", allowed=set()),
    Route("fhir:task", allowed=set(), kwargs=lambda w: {"pk": "1"}),
    Route("fhir:subscriptions", allowed=set()),
    Route("fhir:subscription", allowed=set(), kwargs=lambda w: {"pk": "1"}),
    Route("fhir:clients", allowed=MANAGERS | {"outsider"}),
    Route(
        "fhir:client_revoke",
        allowed=MANAGERS,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["fhir_link"].pk},
        not_found={"outsider"},
    ),
]
