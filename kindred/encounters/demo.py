"""Demo encounters of the seed's size (seed 000: 3 Family Partners, parents of about 90 children,
about 200 encounters over six months, inpatient and outpatient, emotional and tangible support,
the seed's themes first), with follow-ups (some overdue, some done) and one open concern.

The demo's open matches (the matching app's demo, loaded before this one: INSTALLED_APPS order)
get their first contacts, linked to the match, since the day the match began (today for a demo
loaded now), so the match page shows its contacts in the first 8 weeks.

Built with bulk_create (a handful of queries, not thousands) so `load_demo` stays fast.
Idempotent: nothing is added when the demo program has encounters.
"""

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kindred.encounters.codebook import ensure_codebook
from kindred.encounters.models import (
    Encounter,
    EncounterFamily,
    EncounterMentor,
    EncounterSupport,
    FollowUp,
    Theme,
)
from kindred.families.models import Family
from kindred.lib.demo import DEMO_DOMAIN, DemoContext
from kindred.matching.models import Match
from kindred.mentors.models import Escalation, Mentor

PARTNERS = ["mentor", "marisol.vega", "dana.whitaker"]  # the three active Family Partners
ENCOUNTERS = 203
CHILDREN = 90
DAYS = 182
MATCH_CONTACTS = {"active": 2, "introduced": 1}  # contacts logged so far for an open match
# (theme slug, share of encounters): the seed's three primary themes first.
THEME_WEIGHTS = [
    ("care-coordination", 0.55),
    ("worry-stress", 0.45),
    ("self-care", 0.32),
    ("navigating-health-system", 0.18),
    ("siblings-family-life", 0.1),
    ("school-services", 0.08),
    ("insurance-finances", 0.1),
    ("equipment-home-care", 0.08),
    ("transition-nicu-home", 0.06),
    ("grief-loss", 0.03),
]
SUPPORT_WEIGHTS = [
    ("emotional", 0.85),
    ("tangible", 0.5),
    ("informational", 0.35),
    ("affirmation", 0.2),
]
NOTES = [
    "Sat with mom at bedside before rounds.",
    "Helped dad prepare questions for the care conference.",
    "Talked about sleep and taking breaks; shared the parking pass process.",
    "Checked in after discharge; appointments are lined up.",
    "Shared how I organized my child's medication schedule.",
    "",
]
FOLLOW_UPS = [
    "Call after the clinic visit",
    "Bring the meal voucher information",
    "Check in about the insurance appeal",
    "Send the school meeting checklist",
]


def _open_matches(program: Any) -> list[Match]:
    return list(
        Match.objects.filter(program=program, status__in=list(MATCH_CONTACTS))
        .select_related("mentor__user")
        .order_by("id")
    )


def _families(program: Any, first: list[int]) -> list[Family]:
    """Open demo families, the families of `first` (ids) first, then in order until about 90
    children are covered."""
    chosen, children = [], 0
    rows = sorted(
        Family.objects.filter(program=program, status=Family.Status.ACTIVE).prefetch_related(
            "children", "caregivers"
        ),
        key=lambda f: (f.pk not in first, f.pk),
    )
    for family in rows:
        kids = [c for c in family.children.all() if c.is_active]
        if not kids:
            continue
        chosen.append(family)
        children += len(kids)
        if children >= CHILDREN:
            break
    return chosen


def load(ctx: DemoContext) -> None:
    program = ctx.program
    if Encounter.objects.filter(program=program).exists():
        ctx.say("encounters: demo encounters already loaded")
        return
    ensure_codebook(program)
    emails = [f"{p}@{DEMO_DOMAIN}" for p in PARTNERS]
    mentors = [
        m
        for e in emails
        for m in Mentor.objects.filter(program=program, email__iexact=e).select_related("user")
    ]
    matches = _open_matches(program)
    families = _families(program, [m.family_id for m in matches])
    if not mentors or not families:
        ctx.say("encounters: no demo mentors or families, nothing to add")
        return
    with transaction.atomic():
        _build(ctx, program, mentors, families, matches)


def _since_match(match: Match, now: Any, share: float) -> Any:
    """A moment between the start of the day the match began (or today, for one introduced but
    not started) and now: the match page counts contacts from that day on."""
    began = timezone.localtime(match.started_at or now).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    latest = now - timedelta(minutes=1)
    return began + (latest - began) * share if latest > began else latest


def _build(
    ctx: DemoContext,
    program: Any,
    mentors: list[Mentor],
    families: list[Family],
    matches: list[Match],
) -> None:
    rng = random.Random(20260000)
    now = timezone.now()
    coordinator = ctx.users["coordinator"]
    themes = {t.slug: t for t in Theme.objects.filter(program=program)}
    by_family = {f.pk: f for f in families}
    matched = {m.family_id for m in matches}
    # The open matches' first contacts, by their mentor, linked to the match.
    plan: list[tuple[Family, Mentor, Match | None]] = [
        (by_family[m.family_id], m.mentor, m)
        for m in matches
        if m.family_id in by_family
        for _n in range(MATCH_CONTACTS[m.status])
    ]
    # Each other family is seen by one Family Partner, at least once; the rest spread at random.
    others = [f for f in families if f.pk not in matched]
    plan += [(f, mentors[i % len(mentors)], None) for i, f in enumerate(others)]
    while len(plan) < ENCOUNTERS and others:
        family = rng.choice(others)
        plan.append((family, mentors[others.index(family) % len(mentors)], None))
    rows, extras = [], []
    for n, (family, mentor, match) in enumerate(plan):
        inpatient = rng.random() < 0.58
        if match is not None:
            occurred = _since_match(match, now, (n + 1) / (len(matches) * 2 + 2))
        else:
            occurred = now - timedelta(days=rng.uniform(0.2, DAYS))
            occurred = occurred.replace(hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]))
            occurred = min(occurred, now - timedelta(minutes=30))
        rows.append(
            Encounter(
                program=program,
                occurred_at=occurred,
                duration_minutes=rng.choice([10, 15, 20, 30, 30, 45, 60]),
                setting="inpatient"
                if inpatient
                else rng.choice(["outpatient"] * 4 + ["home", "virtual"]),
                mode="in_person"
                if inpatient
                else rng.choice(["in_person", "phone", "phone", "text", "video"]),
                initiated_by=rng.choice(["mentor", "mentor", "family", "staff", "care_team"]),
                interpreter_used=rng.random() < 0.12,
                notes=rng.choice(NOTES),
                created_by=mentor.user or coordinator,
                created_at=min(occurred + timedelta(hours=1), now),
                updated_at=min(occurred + timedelta(hours=1), now),
            )
        )
        kinds = [t for t, w in SUPPORT_WEIGHTS if rng.random() < w] or ["emotional"]
        chosen = [s for s, w in THEME_WEIGHTS if s in themes and rng.random() < w][:3]
        extras.append((family, mentor, kinds, chosen or ["worry-stress"], match))
    Encounter.objects.bulk_create(rows, batch_size=500)
    links, mentor_links, supports, theme_links, caregiver_links, child_links = (
        [],
        [],
        [],
        [],
        [],
        [],
    )
    for encounter, (family, mentor, types, slugs, match) in zip(rows, extras, strict=True):
        links.append(EncounterFamily(encounter=encounter, family=family, match=match))
        mentor_links.append(EncounterMentor(encounter=encounter, mentor=mentor))
        supports += [EncounterSupport(encounter=encounter, support_type=t) for t in types]
        theme_links += [
            Encounter.themes.through(encounter_id=encounter.pk, theme_id=themes[s].pk)
            for s in slugs
            if s in themes
        ]
        caregivers = [c for c in family.caregivers.all() if c.is_active][:1]
        caregiver_links += [
            Encounter.caregivers.through(encounter_id=encounter.pk, caregiver_id=c.pk)
            for c in caregivers
        ]
        kids = [c for c in family.children.all() if c.is_active]
        if encounter.setting == "inpatient" and kids:
            child_links.append(
                Encounter.children.through(encounter_id=encounter.pk, child_id=kids[0].pk)
            )
    EncounterFamily.objects.bulk_create(links, batch_size=500)
    EncounterMentor.objects.bulk_create(mentor_links, batch_size=500)
    EncounterSupport.objects.bulk_create(supports, batch_size=1000)
    Encounter.themes.through.objects.bulk_create(theme_links, batch_size=1000)
    Encounter.caregivers.through.objects.bulk_create(caregiver_links, batch_size=1000)
    Encounter.children.through.objects.bulk_create(child_links, batch_size=1000)
    today = timezone.localdate()
    recent = sorted(zip(rows, extras, strict=True), key=lambda r: r[0].occurred_at)[-24:]
    follow_ups = []
    for n, (encounter, (family, mentor, _t, _s, _m)) in enumerate(recent):
        due = today + timedelta(days=(n % 12) - 5)  # some overdue, some today, some ahead
        done = n % 4 == 0 and due < today
        follow_ups.append(
            FollowUp(
                program=program,
                encounter=encounter,
                family=family,
                mentor=mentor,
                description=FOLLOW_UPS[n % len(FOLLOW_UPS)],
                due_on=due,
                done_at=now if done else None,
                done_by=encounter.created_by if done else None,
                reminded_on=due if due < today else None,
                created_by=encounter.created_by,
                created_at=encounter.created_at,
            )
        )
    FollowUp.objects.bulk_create(follow_ups)
    encounter, (family, mentor, _t, _s, _m) = recent[-1]
    escalation = Escalation.objects.create(
        program=program,
        mentor=mentor,
        family=family,
        raised_by=encounter.created_by,
        concern="The mother said she is not sleeping and feels she cannot go on like this (demo).",
        severity=Escalation.Severity.URGENT,
    )
    Encounter.objects.filter(pk=encounter.pk).update(
        concern="safety", concern_details=escalation.concern, escalation=escalation
    )
    children = sum(len([c for c in f.children.all() if c.is_active]) for f in families)
    ctx.say(
        f"encounters: {len(rows)} demo encounters of {len(mentors)} Family Partners with "
        f"{len(families)} families ({children} children), {len(follow_ups)} follow-ups, "
        f"1 open concern; first contacts of {len(matched)} open matches"
    )
