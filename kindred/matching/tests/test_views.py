"""The pages: what each person sees, bad input (400, nothing half-written), audited reads,
bounded queries, another program's user."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.families.models import Family
from kindred.matching.models import BlockedPair, FamilyWishes, Match, MatchSettings
from kindred.matching.profiles import family_sides, mentor_sides
from kindred.matching.tests.factories import active_match, offered_match, waiting_family

pytestmark = pytest.mark.django_db


def test_the_waiting_list_shows_overdue_families_first_and_filters(mworld) -> None:
    late = waiting_family(mworld, name="Tardio", hours_ago=72, language="en", zip_code="10001")
    client = mworld.client("coordinator")
    response = client.get(reverse("matching:waiting"))
    assert response.status_code == 200
    names = [row.family.name for row in response.context["rows"]]
    assert names[0] == late.name and mworld.objects["family"].name in names
    assert response.context["overdue"] == 1
    filtered = client.get(reverse("matching:waiting"), {"language": "es"})
    assert [r.family.name for r in filtered.context["rows"]] == [mworld.objects["family"].name]
    by_zip = client.get(reverse("matching:waiting"), {"zip": "100"})
    assert [r.family.name for r in by_zip.context["rows"]] == [late.name]
    assert client.get(reverse("matching:waiting"), {"zip": "ab\x00"}).status_code == 400


def test_a_family_that_wants_a_group_is_not_waiting_for_a_mentor(mworld) -> None:
    group = waiting_family(mworld, name="Grupo", support="group")
    rows = mworld.client("coordinator").get(reverse("matching:waiting")).context["rows"]
    assert group.pk not in [r.family.pk for r in rows]


def test_the_ranked_list_explains_and_is_an_audited_read(mworld) -> None:
    family = mworld.objects["family"]
    response = mworld.client("coordinator").get(reverse("matching:family", args=[family.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ana Mentor" in content and "Approve and offer to Ana Mentor" in content
    eligible = response.context["result"].eligible
    assert eligible[0].mentor.full_name == "Ana Mentor" and eligible[0].ranked.reasons
    assert AuditEvent.objects.filter(
        action="matching.ranking.viewed", object_id=str(family.pk)
    ).exists()


def test_the_supervisor_reads_but_cannot_offer(mworld) -> None:
    family = mworld.objects["family"]
    client = mworld.client("supervisor")
    page = client.get(reverse("matching:family", args=[family.pk]))
    assert page.status_code == 200 and "Approve and offer" not in page.content.decode()
    refused = client.post(
        reverse("matching:offer", args=[family.pk]), {"mentor": mworld.objects["ana"].pk}
    )
    assert refused.status_code == 403
    assert not Match.objects.exists()


def test_offer_from_the_ranked_list_and_bad_input(mworld) -> None:
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    client = mworld.client("coordinator")
    url = reverse("matching:offer", args=[family.pk])
    for bad in ({}, {"mentor": "x"}, {"mentor": "99999999999999"}, {"mentor": "424242"}):
        assert client.post(url, bad).status_code == 400
    assert not Match.objects.exists()
    response = client.post(url, {"mentor": ana.pk})
    match = Match.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "matching:match", args=[match.pk]
    )
    assert match.status == "offered" and match.reasons and match.score is not None


def test_the_mentor_answers_on_the_offer_page(mworld) -> None:
    match = offered_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    client = mworld.client("mentor")
    page = client.get(reverse("matching:match", args=[match.pk]))
    assert page.status_code == 200 and "Send my answer" in page.content.decode()
    url = reverse("matching:act", args=[match.pk, "respond"])
    missing_reason = client.post(url, {"respond-answer": "decline"})
    assert missing_reason.status_code == 400
    assert "Please choose a reason." in missing_reason.content.decode()
    match.refresh_from_db()
    assert match.status == "offered"
    assert client.post(url, {"respond-answer": "accept"}).status_code == 302
    match.refresh_from_db()
    assert match.status == "accepted"
    # The coordinator may not answer for the mentor; a second answer is refused, kept as it was.
    assert mworld.client("coordinator").post(url, {"respond-answer": "accept"}).status_code == 403
    assert client.post(url, {"respond-answer": "accept"}).status_code == 400


def test_a_mentor_sees_no_proposal_and_not_other_mentors_offers(mworld) -> None:
    from kindred.matching.services import propose

    proposal = propose(
        family=mworld.objects["family"], mentor=mworld.objects["ana"], by=mworld.coordinator
    )
    other = offered_match(mworld, waiting_family(mworld, name="Otra"), mworld.objects["bea"])
    client = mworld.client("mentor")
    assert client.get(reverse("matching:match", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("matching:match", args=[other.pk])).status_code == 404
    assert client.get(reverse("matching:offers")).context["waiting_answer"] == []


def test_another_programs_coordinator_reaches_nothing(mworld) -> None:
    family = mworld.objects["family"]
    match = offered_match(mworld, family, mworld.objects["ana"])
    client = mworld.client("outsider")
    assert client.get(reverse("matching:family", args=[family.pk])).status_code == 404
    assert client.get(reverse("matching:match", args=[match.pk])).status_code == 404
    assert (
        client.post(
            reverse("matching:act", args=[match.pk, "withdraw"]), {"withdraw-reason": "x"}
        ).status_code
        == 404
    )
    assert family.name not in client.get(reverse("matching:waiting")).content.decode()
    match.refresh_from_db()
    assert match.status == "offered"


def test_the_referrer_sees_nothing_of_matches(mworld) -> None:
    match = active_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    client = mworld.client("referrer")
    assert client.get(reverse("matching:match", args=[match.pk])).status_code == 404
    assert client.get(reverse("matching:waiting")).status_code == 403


def test_the_coordinators_moves_and_their_bad_input(mworld) -> None:
    match = offered_match(mworld, mworld.objects["family"], mworld.objects["ana"])
    client = mworld.client("coordinator")
    act = lambda action: reverse("matching:act", args=[match.pk, action])  # noqa: E731
    assert client.post(act("introduce")).status_code == 400  # not accepted yet
    assert client.post(reverse("matching:act", args=[match.pk, "nonsense"])).status_code == 404
    mworld.client("mentor").post(act("respond"), {"respond-answer": "accept"})
    assert client.post(act("introduce")).status_code == 302
    assert client.post(act("start")).status_code == 302
    match.refresh_from_db()
    assert match.status == "active"
    family_page = client.get(mworld.objects["family"].get_absolute_url()).content.decode()
    assert "Match with a mentor" in family_page and "Ana Mentor · Active" in family_page
    assert client.post(act("close"), {"close-code": "bogus"}).status_code == 400
    assert client.post(act("fit"), {"fit-fit": "maybe"}).status_code == 400
    match.refresh_from_db()
    assert match.status == "active"
    assert client.post(act("fit"), {"fit-fit": "not_good", "fit-note": "x"}).status_code == 302
    match.refresh_from_db()
    assert match.status == "closed"
    assert BlockedPair.objects.filter(kind="not_good_fit").count() == 1


def test_settings_page_saves_weights_and_refuses_bad_numbers(mworld) -> None:
    client = mworld.client("coordinator")
    url = reverse("matching:settings")
    data = {f"w_{c}": "2" for c in MatchSettings().default_levels()}
    data.update(
        {
            "target_hours": "24",
            "remind_days_before_end": "7",
            "fit_check_days": "14",
            "readiness": "off_treatment",
        }
    )
    bad = client.post(url, {**data, "target_hours": "99999999999", "w_language": "9"})
    assert bad.status_code == 400 and not MatchSettings.objects.exists()
    assert client.post(url, {**data, "w_language": "4"}).status_code == 302
    saved = MatchSettings.objects.get(program=mworld.program_a)
    assert saved.target_hours == 24 and saved.weight("language") == 4
    assert saved.readiness == "off_treatment"
    # The readiness rule now leaves out the mentors whose child is not known to be off treatment.
    ranked = mworld.client("coordinator").get(
        reverse("matching:family", args=[mworld.objects["family"].pk])
    )
    assert ranked.context["result"].eligible == []
    assert "No mentor meets every must-have" in ranked.content.decode()


def test_wishes_looser_match_and_conflict_of_interest(mworld) -> None:
    family, ana = mworld.objects["family"], mworld.objects["ana"]
    client = mworld.client("coordinator")
    assert (
        client.post(
            reverse("matching:wishes", args=[family.pk]), {"w-situations": ["nope"]}
        ).status_code
        == 400
    )
    assert not FamilyWishes.objects.exists()
    ok = client.post(
        reverse("matching:wishes", args=[family.pk]),
        {"w-in_person": "on", "w-situations": ["military"]},
    )
    assert ok.status_code == 302 and FamilyWishes.objects.get().in_person
    assert (
        client.post(reverse("matching:looser", args=[family.pk]), {"l-note": "x"}).status_code
        == 400
    )
    client.post(
        reverse("matching:looser", args=[family.pk]),
        {"l-relaxed": ["language"], "l-note": "Agreed"},
    )
    assert FamilyWishes.objects.get().relaxed == ["language"]
    assert (
        client.post(
            reverse("matching:block", args=[family.pk]), {"b-mentor": "77777", "b-note": "x"}
        ).status_code
        == 400
    )
    client.post(
        reverse("matching:block", args=[family.pk]), {"b-mentor": ana.pk, "b-note": "Neighbours"}
    )
    assert BlockedPair.objects.filter(family=family, mentor=ana, kind="conflict").exists()
    ranked = client.get(reverse("matching:family", args=[family.pk]), {"excluded": "1"})
    excluded = {row.mentor.pk: row for row in ranked.context["result"].excluded}
    assert ana.pk in excluded


def test_the_profiles_take_a_bounded_number_of_queries(
    mworld, django_assert_max_num_queries
) -> None:
    for index in range(6):
        waiting_family(mworld, name=f"Extra{index}", conditions=(mworld.objects["vocab"]["heart"],))
    settings = MatchSettings.for_program(mworld.program_a)
    families = list(Family.objects.filter(program=mworld.program_a))
    with django_assert_max_num_queries(8):
        sides = family_sides(families, settings)
    assert len(sides) == len(families)
    with django_assert_max_num_queries(5):
        mentors = mentor_sides(mworld.program_a, settings)
    assert {m.display_name for m in mentors} == {"Ana Mentor", "Bea Mentor"}
