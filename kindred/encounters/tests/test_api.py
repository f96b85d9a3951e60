"""`/api/encounters` with personal tokens: a list scoped as the pages (paged, by family and by
date range, audited), and logging one through the same form and service (a write token only;
bad input 400 with JSON detail and nothing saved; another program 404)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.apitokens.services import token_create
from kindred.audit.models import AuditEvent
from kindred.encounters.models import Encounter
from kindred.encounters.tests.factories import logged

pytestmark = pytest.mark.django_db


def bearer(user, programs, *, can_write=False):
    _token, secret = token_create(
        user=user, name="test", programs=programs, can_write=can_write, days=30
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def payload(world, **changes):
    body = {
        "program": world.program_a.pk,
        "families": [world.objects["family"].pk],
        "setting": "inpatient",
        "mode": "in_person",
        "initiated_by": "family",
        "duration_minutes": 20,
        "support_types": ["emotional", "tangible"],
        "notes": "api-note-canary",
    }
    body.update(changes)
    return body


def post(client, auth, body):
    return client.post("/api/encounters", json.dumps(body), content_type="application/json", **auth)


def test_the_list_is_scoped_paged_filtered_and_audited(eworld, client) -> None:
    from kindred.matching.tests.factories import active_match, waiting_family

    other = waiting_family(eworld, name="Ybarra")
    active_match(eworld, other, eworld.objects["bea"])
    now = timezone.now()
    old = logged(eworld, occurred_at=now - timedelta(days=40))
    recent = [logged(eworld, occurred_at=now - timedelta(days=d)) for d in (1, 2, 3)]
    bea = logged(eworld, families=[other], mentors=[eworld.objects["bea"]], by=eworld.coordinator)
    a = eworld.program_a.pk

    staff = bearer(eworld.coordinator, [eworld.program_a])
    body = client.get(f"/api/encounters?program={a}&limit=2", **staff).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert body["items"][0]["id"] == bea.pk  # newest first
    assert body["items"][0]["notes"] == "canary-note-77"  # coordinators read notes
    second = client.get(f"/api/encounters?program={a}&limit=2&offset=2", **staff).json()
    assert [i["id"] for i in second["items"]] == [recent[1].pk, recent[2].pk]
    by_family = client.get(f"/api/encounters?program={a}&family={other.pk}", **staff).json()
    assert [i["id"] for i in by_family["items"]] == [bea.pk]
    start = (timezone.localdate() - timedelta(days=50)).isoformat()
    end = (timezone.localdate() - timedelta(days=30)).isoformat()
    ranged = client.get(f"/api/encounters?program={a}&start={start}&end={end}", **staff).json()
    assert [i["id"] for i in ranged["items"]] == [old.pk]
    assert AuditEvent.objects.filter(
        action="encounters.encounter.listed", actor=eworld.coordinator, program=eworld.program_a
    ).exists()

    # A mentor: only the encounters they took part in or wrote (not Bea's).
    mine = client.get("/api/encounters", **bearer(eworld.mentor, [eworld.program_a])).json()
    assert {i["id"] for i in mine["items"]} == {old.pk, *(e.pk for e in recent)}
    # A supervisor reads every encounter; the notes of someone else's, never.
    sup = client.get("/api/encounters", **bearer(eworld.supervisor, [eworld.program_a])).json()
    assert sup["count"] == 5
    referrer = bearer(eworld.referrer, [eworld.program_a], can_write=True)
    assert client.get(f"/api/encounters?program={a}", **referrer).status_code == 403
    evaluator = bearer(eworld.users["evaluator"], [eworld.program_a])
    assert client.get(f"/api/encounters?program={a}", **evaluator).status_code == 403


def test_notes_only_for_their_writer_and_notes_readers(eworld, client) -> None:
    logged(eworld, by=eworld.coordinator, notes="coordinator-only-note")
    # Ana took part but did not write it: she gets the encounter, not its notes.
    ana_items = client.get("/api/encounters", **bearer(eworld.mentor, [eworld.program_a])).json()
    assert ana_items["count"] == 1 and ana_items["items"][0]["notes"] is None
    assert "coordinator-only-note" not in json.dumps(ana_items)
    sup = client.get("/api/encounters", **bearer(eworld.supervisor, [eworld.program_a])).json()
    assert sup["items"][0]["notes"] == "coordinator-only-note"


def test_another_programs_caller_gets_404_or_their_own_empty_list(eworld, client) -> None:
    logged(eworld)
    outsider = bearer(eworld.outsider, [eworld.program_b], can_write=True)
    a = eworld.program_a.pk
    assert client.get(f"/api/encounters?program={a}", **outsider).status_code == 404
    own = client.get("/api/encounters", **outsider)
    assert own.status_code == 200 and own.json() == {"count": 0, "items": []}
    family = eworld.objects["family"].pk
    scoped = client.get(f"/api/encounters?family={family}", **outsider).json()
    assert scoped["count"] == 0
    refused = post(client, outsider, payload(eworld))
    assert refused.status_code == 404 and "detail" in refused.json()
    # Logging in their own program B with program A's family: 400, nothing saved.
    crossed = post(client, outsider, payload(eworld, program=eworld.program_b.pk))
    assert crossed.status_code == 400 and "families" in json.dumps(crossed.json()["errors"])
    assert Encounter.objects.count() == 1


def test_a_write_token_logs_an_encounter_through_the_service(eworld, client) -> None:
    auth = bearer(eworld.mentor, [eworld.program_a], can_write=True)
    response = post(client, auth, payload(eworld, follow_up="Call back", follow_up_due=None))
    assert response.status_code == 400  # a follow-up needs a date, as on the page
    assert "follow_up_due" in json.dumps(response.json()["errors"])
    assert not Encounter.objects.exists()
    due = timezone.localdate().isoformat()
    response = post(client, auth, payload(eworld, follow_up="Call back", follow_up_due=due))
    assert response.status_code == 201, response.content
    body = response.json()
    encounter = Encounter.objects.get(pk=body["id"])
    assert body["families"] == [eworld.objects["family"].pk]
    assert body["mentors"] == [eworld.objects["ana"].pk]  # the mentor is added themselves
    assert body["support_types"] == ["emotional", "tangible"]
    assert body["notes"] == "api-note-canary"
    assert encounter.created_by == eworld.mentor and encounter.follow_ups.count() == 1
    link = encounter.family_links.get()
    assert link.match == eworld.objects["match"]
    assert AuditEvent.objects.filter(
        action="encounters.encounter.created", object_id=str(encounter.pk), actor=eworld.mentor
    ).exists()


def test_a_read_only_token_may_not_log(eworld, client) -> None:
    auth = bearer(eworld.mentor, [eworld.program_a], can_write=False)
    response = post(client, auth, payload(eworld))
    assert response.status_code == 403 and response.json()["detail"]
    assert not Encounter.objects.exists()
    supervisor = bearer(eworld.supervisor, [eworld.program_a], can_write=True)
    assert post(client, supervisor, payload(eworld)).status_code == 403  # reads, never logs


def test_a_mentor_may_not_log_with_a_family_not_matched_to_them(eworld, client) -> None:
    from kindred.matching.tests.factories import waiting_family

    stranger = waiting_family(eworld, name="Ybarra")
    auth = bearer(eworld.mentor, [eworld.program_a], can_write=True)
    response = post(client, auth, payload(eworld, families=[stranger.pk]))
    assert response.status_code == 400
    assert not Encounter.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"families": []},
        {"support_types": []},
        {"support_types": ["hugs"]},
        {"setting": "moon"},
        {"duration_minutes": 0},
        {"duration_minutes": 10_000},
        {"families": [2_147_483_648]},
        {"families": ["abc"]},
        {"themes": [999_999]},
        {"occurred_at": "0001-01-01T00:00:00"},
        {"occurred_at": "2999-01-01T00:00:00Z"},
        {"occurred_at": "not a date"},
        {"concern": "bored"},
        {"notes": "x" * 6000},
        {"caregivers": [999_999]},
    ],
)
def test_bad_input_is_a_400_with_json_detail_and_nothing_saved(eworld, client, changes) -> None:
    auth = bearer(eworld.coordinator, [eworld.program_a], can_write=True)
    response = post(client, auth, payload(eworld, **changes))
    assert response.status_code == 400, (changes, response.status_code, response.content)
    assert response.json()["detail"]
    assert not Encounter.objects.exists()


def test_a_bad_list_filter_is_a_400(eworld, client) -> None:
    auth = bearer(eworld.coordinator, [eworld.program_a])
    a = eworld.program_a.pk
    for query in ("start=2026-05-01&end=2026-04-01", "start=nope", "family=0", "limit=1000"):
        response = client.get(f"/api/encounters?program={a}&{query}", **auth)
        assert response.status_code == 400, query
        assert response.json()["detail"]


def test_errors_are_in_the_callers_language(eworld, client) -> None:
    from kindred.accounts.models import User

    User.objects.filter(pk=eworld.coordinator.pk).update(language="es")
    auth = bearer(eworld.coordinator, [eworld.program_a], can_write=True)
    response = post(client, auth, payload(eworld, follow_up="Llamar", follow_up_due=None))
    assert response.status_code == 400
    assert "seguimiento" in response.json()["detail"]
