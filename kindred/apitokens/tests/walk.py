"""The API tokens page and the JSON API's nouns in the permission walk (the walk signs in with
the session; kindred/apitokens/tests/test_api.py drives the same endpoints with tokens).

Lists name program A (`?program=<id>`), so the outsider meets A's 404; the objects are the other
walks' (families, referrals, matching), made in their `setup`."""

import uuid

from kindred.core.testing.walk import SIGNED_IN, Route

STAFF = {"coordinator", "supervisor"}
FAMILY_READERS = STAFF | {"mentor"}  # the mentor: the families matched to them
REFERRERS = {"coordinator", "referrer", "outsider"}  # REFERRALS_CREATE in some program


def _in_a(world) -> str:
    return f"program={world.program_a.pk}"


def setup(world) -> None:
    from kindred.apitokens.services import token_create

    token, _secret = token_create(
        user=world.coordinator,
        name="Walk token",
        programs=[world.program_a],
        can_write=False,
        days=30,
    )
    world.objects["api_token"] = token


ROUTES = [
    Route("apitokens:tokens", allowed=SIGNED_IN),
    Route(
        "apitokens:revoke",
        allowed={"coordinator"},
        method="POST",
        kwargs=lambda w: {"pk": w.objects["api_token"].pk},
        not_found=SIGNED_IN - {"coordinator"},
    ),
    Route("api:program_list", allowed=SIGNED_IN),
    Route(
        "api:family_list",
        allowed=FAMILY_READERS,
        query=_in_a,
        not_found={"outsider"},
    ),
    Route(
        "api:family_detail",
        allowed=STAFF,
        kwargs=lambda w: {"family_id": w.objects["family"].pk},
        not_found=SIGNED_IN - STAFF,
    ),
    Route("api:referral_list", allowed=STAFF, query=_in_a, not_found={"outsider"}),
    Route(
        "api:referral_detail",
        allowed=STAFF,
        kwargs=lambda w: {"referral_id": w.objects["referral_a"].pk},
        not_found=SIGNED_IN - STAFF,
    ),
    Route(
        "api:referral_send",
        allowed=REFERRERS,
        method="POST",
        content_type="application/json",
        data=lambda w: {
            "program": w.program_a.pk,
            "caregiver_first_name": "Walkapi",
            "phone": "312-555-0100",
            "child_age_years": 3,
            "consent_to_contact": True,
            "consent_obtained_by": "Walk",
            "consent_method": "verbal",
        },
    ),
    Route(
        "api:referral_move",
        allowed={"coordinator"},
        method="POST",
        content_type="application/json",
        kwargs=lambda w: {"referral_id": w.objects["referral_a"].pk},
        data=lambda w: {"to": "accepted"},
        not_found=SIGNED_IN - STAFF,
    ),
    Route("api:mentor_list", allowed=STAFF | {"mentor"}, query=_in_a, not_found={"outsider"}),
    Route(
        "api:mentor_detail",
        allowed=STAFF | {"mentor"},
        kwargs=lambda w: {"mentor_id": w.objects["mentor_record"].pk},
        not_found=SIGNED_IN - STAFF - {"mentor"},
    ),
    Route("api:service_list", allowed=SIGNED_IN),
    Route(
        "api:service_detail",
        allowed=set(),
        ok_status=frozenset({404}),
        kwargs=lambda w: {"service_id": uuid.UUID(int=1)},
        not_found=SIGNED_IN,
    ),
]
