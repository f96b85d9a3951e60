"""The batch matching and coverage pages: run, review, untick, approve; who may see them."""

import pytest

from kindred.audit.models import AuditEvent
from kindred.matching import services
from kindred.matching.models import Match
from kindred.matching.models_batch import BatchRun
from kindred.matching.tests.factories import waiting_family

pytestmark = pytest.mark.django_db


def start_run(world, capture) -> BatchRun:
    with capture(execute=True):
        response = world.client("coordinator").post("/matching/batch/")
    run = BatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/matching/batch/{run.pk}/"
    run.refresh_from_db()
    return run


def test_it_proposes_the_optimal_pairs_and_says_why_a_family_is_left(
    mworld, django_capture_on_commit_callbacks
) -> None:
    family = mworld.objects["family"]
    other = waiting_family(mworld, name="Okafor", language="en", hours_ago=5, consent=False)
    run = start_run(mworld, django_capture_on_commit_callbacks)
    assert run.done and run.progress == 1.0 and run.families == 2
    assert run.pairs == [
        {"family": family.pk, "mentor": mworld.objects["ana"].pk, "score": run.pairs[0]["score"]}
    ]
    assert run.unmatched[0]["family"] == other.pk
    assert "consented" in run.unmatched[0]["why"]
    page = mworld.client("coordinator").get(f"/matching/batch/{run.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Ana Mentor" in body and "Quintero" in body and "Okafor" in body
    assert f'value="{family.pk}:{mworld.objects["ana"].pk}"' in body and " checked" in body
    assert AuditEvent.objects.filter(action="matching.batch.viewed", object_id=str(run.pk)).exists()


def test_approving_the_ticked_pairs_offers_them(mworld, django_capture_on_commit_callbacks):
    run = start_run(mworld, django_capture_on_commit_callbacks)
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    client = mworld.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/matching/batch/{run.pk}/approve/", {"pair": [f"{family.pk}:{ana.pk}"]}
        )
    assert response.status_code == 302
    match = Match.objects.get(family=family)
    assert (match.mentor, match.status) == (ana, "offered")
    assert match.reasons  # the reasons of the moment, as a single proposal keeps them
    run.refresh_from_db()
    assert run.approved_at is not None and run.pairs[0]["outcome"] == "offered"
    assert "Offered to the mentor" in client.get(f"/matching/batch/{run.pk}/").content.decode()
    # Approved once: a second post changes nothing.
    client.post(f"/matching/batch/{run.pk}/approve/", {"pair": [f"{family.pk}:{ana.pk}"]})
    assert Match.objects.filter(family=family).count() == 1


def test_nothing_ticked_or_garbage_is_a_400_with_nothing_written(
    mworld, django_capture_on_commit_callbacks
):
    run = start_run(mworld, django_capture_on_commit_callbacks)
    client = mworld.client("coordinator")
    for data in ({}, {"pair": ["x:y", "1" * 40 + ":2", "-1:-2", "٣:٤"]}):
        response = client.post(f"/matching/batch/{run.pk}/approve/", data)
        assert response.status_code == 400
        assert "Tick at least one pair" in response.content.decode()
    nul = client.post(f"/matching/batch/{run.pk}/approve/", {"pair": ["1\x00:2"]})
    assert nul.status_code == 400
    assert not Match.objects.exists()
    run.refresh_from_db()
    assert run.approved_at is None


def test_a_pair_no_longer_possible_is_skipped_with_its_reason(
    mworld, django_capture_on_commit_callbacks
):
    run = start_run(mworld, django_capture_on_commit_callbacks)
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    services.add_block(family=family, mentor=ana, by=mworld.coordinator, note="neighbours")
    response = mworld.client("coordinator").post(
        f"/matching/batch/{run.pk}/approve/", {"pair": [f"{family.pk}:{ana.pk}"]}, follow=True
    )
    assert not Match.objects.exists()
    assert "no longer possible" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("mentor", 403), ("referrer", 403), ("supervisor", 403)],
)
def test_only_the_programs_coordinators_reach_a_run(
    mworld, django_capture_on_commit_callbacks, persona, status
):
    run = start_run(mworld, django_capture_on_commit_callbacks)
    client = mworld.client(persona)
    page = client.get(f"/matching/batch/{run.pk}/")
    assert page.status_code in {status, 403}
    assert "Quintero" not in page.content.decode()
    response = client.post(
        f"/matching/batch/{run.pk}/approve/",
        {"pair": [f"{mworld.objects['family'].pk}:{mworld.objects['ana'].pk}"]},
    )
    assert response.status_code in {status, 403}
    assert not Match.objects.exists()


def test_the_coverage_page_names_the_gaps_and_links_to_recruiting(mworld):
    waiting_family(mworld, name="Nguyen", language="vi", mentor_language="vi", hours_ago=3)
    page = mworld.client("coordinator").get("/matching/coverage/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/mentors/apply/{mworld.program_a.slug}/" in body
    assert "open place" in body
    assert AuditEvent.objects.filter(action="matching.coverage.viewed").exists()
    for persona in ("mentor", "referrer"):
        assert mworld.client(persona).get("/matching/coverage/").status_code == 403
