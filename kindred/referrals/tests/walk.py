"""Every referrals URL in the permission walk (kindred/core/tests/test_permission_walk.py)."""

from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route

STAFF = {"coordinator", "supervisor"}
# Outside the program's staff, a referral is out of reach: 404.
NOT_STAFF = SIGNED_IN - STAFF
MANAGERS = {"coordinator"}
# Current-program pages: the outsider works in their own program B there.
CURRENT_PROGRAM_STAFF = STAFF | {"outsider"}
CREATORS = {"coordinator", "referrer", "outsider"}


def setup(world):
    from kindred.referrals.models import ConsentMethod, Source
    from kindred.referrals.services import ReferredFamily, referral_create

    # Program A takes referrals only from inside its organization here, so that the outsider's
    # referral form does not list it (a program that accepts outside referrals is listed to
    # every referrer by design: test_views covers that).
    world.program_a.accepts_outside_referrals = False
    world.program_a.save(update_fields=["accepts_outside_referrals"])
    referral = referral_create(
        program=world.program_a,
        family=ReferredFamily(
            caregiver_first_name="Walkerina",
            caregiver_last_name="Canarysdottir",
            phone="555-909-1234",
            child_first_name="Pipit",
        ),
        source=Source.REFERRER,
        by=world.users["referrer"],
        consent_to_contact=True,
        consent_obtained_by="Referrer A",
        consent_method=ConsentMethod.VERBAL,
        share_status_with_referrer=True,
        looking_for="Walk canary: private wish",
    )
    world.objects["referral_a"] = referral
    from kindred.referrals.conference import next_meeting
    from kindred.referrals.models import ConferenceItem

    world.objects["conference_item_a"] = ConferenceItem.objects.create(
        program=world.program_a,
        family=referral.family,
        referral=referral,
        meeting_on=next_meeting(),
        topic="Walk canary: conference topic",
        added_by=world.users["coordinator"],
    )
    world.objects.setdefault("canaries", []).extend(
        [
            "Walkerina",
            "Canarysdottir",
            "Walk canary: private wish",
            "Pipit",
            "Walk canary: conference topic",
        ]
    )


def _pk(w):
    return {"pk": w.objects["referral_a"].pk}


ROUTES = [
    Route("referrals:new", allowed=CREATORS),
    Route("referrals:sent", allowed={"coordinator", "referrer", "outsider"}),
    Route(
        "referrals:sent_detail",
        allowed={"referrer"},
        kwargs=_pk,
        not_found=SIGNED_IN - {"referrer"},
    ),
    Route(
        "referrals:sent_add",
        allowed={"referrer"},
        method="POST",
        kwargs=_pk,
        data=lambda w: {"add-text": "New phone: 555-909-0000"},
        not_found=SIGNED_IN - {"referrer"},
    ),
    Route("referrals:queue", allowed=CURRENT_PROGRAM_STAFF),
    Route("referrals:queue", allowed=CURRENT_PROGRAM_STAFF, query="owner=mine"),
    Route("referrals:settings", allowed={"coordinator", "outsider"}),
    Route("referrals:dashboard", allowed=CURRENT_PROGRAM_STAFF | {"evaluator"}),
    Route("referrals:dashboard_csv", allowed=CURRENT_PROGRAM_STAFF | {"evaluator"}),
    Route("referrals:notifications", allowed=SIGNED_IN),
    Route("referrals:notifications_read", allowed=SIGNED_IN, method="POST"),
    Route(
        "referrals:detail",
        allowed=STAFF,
        kwargs=_pk,
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:contact_attempt",
        allowed=MANAGERS,
        method="POST",
        kwargs=_pk,
        data=lambda w: {
            "attempt-at": "2026-01-05T10:00",
            "attempt-method": "phone",
            "attempt-outcome": "no-answer",
        },
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:transition",
        allowed=MANAGERS,
        method="POST",
        kwargs=_pk,
        data=lambda w: {"status-to": "accepted"},
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:owner",
        allowed=MANAGERS,
        method="POST",
        kwargs=_pk,
        data=lambda w: {"owner-owner": w.users["coordinator"].pk},
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:apply_linked",
        allowed=MANAGERS,
        method="POST",
        kwargs=_pk,
        data=lambda w: {"apply": "phone"},
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:step",
        allowed=MANAGERS,
        method="POST",
        kwargs=_pk,
        data=lambda w: {"step-step": "intake-done"},
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:intake",
        allowed=MANAGERS,
        kwargs=_pk,
        not_found=NOT_STAFF,
    ),
    Route("referrals:conference", allowed=CURRENT_PROGRAM_STAFF),
    Route(
        "referrals:conference_add",
        allowed=STAFF,
        method="POST",
        kwargs=_pk,
        data=lambda w: {"conference-meeting_on": "2099-01-05", "conference-topic": "Dad"},
        not_found=NOT_STAFF,
    ),
    Route(
        "referrals:conference_suggest",
        allowed=STAFF,
        method="POST",
        kwargs=lambda w: {"pk": w.objects["conference_item_a"].pk},
        data=lambda w: {f"s{w.objects['conference_item_a'].pk}-text": "Invite to the group"},
        not_found=NOT_STAFF,
    ),
    # The public self-referral page is open to all; program B's page is walked so that the
    # outsider's answer is about their own program.
    Route("referrals:self_refer", allowed=PUBLIC, kwargs=lambda w: {"slug": w.program_b.slug}),
    Route("referrals:self_thanks", allowed=PUBLIC, kwargs=lambda w: {"slug": w.program_b.slug}),
]
