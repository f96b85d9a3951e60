"""The engine's inputs from the database: FamilySide, MentorSide and Blocks (kindred.matching
.engine's interface), in a fixed number of queries whatever the number of families or mentors.

Codes are prefixed by their kind, so one `labels` map names them all: `cond:<id>`,
`cat:<id>`, `exp:<id>`, `tx:<code>`, `care:<code>`, `sit:<code>`.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from kindred.directory.geo import zip_centroid
from kindred.families.models import Child, Condition, Consent, Family
from kindred.lib.languages import normalize_language
from kindred.matching.engine import CRITERIA, Blocks, FamilySide, Level, MentorSide
from kindred.matching.models import BlockedPair, FamilyWishes, MatchSettings
from kindred.mentors.models import CARE_SETTINGS, Mentor
from kindred.mentors.vocab import FAMILY_SITUATIONS, TREATMENTS
from kindred.referrals.models import Intake

# Intake.criteria's keys -> the engine's criteria.
INTAKE_CRITERIA = {
    "diagnosis": "condition",
    "treatment": "treatment",
    "child-age": "child_age",
    "language": "language",
    "culture": "culture",
    "gender": "gender",
    "geography": "distance",
    "family-situation": "family_situation",
}
INTAKE_LEVELS = {"must": Level.MUST, "high": Level.HIGH, "medium": Level.MEDIUM, "low": Level.LOW}
# "Anywhere in the region", in miles, for the engine's distance rule.
REGION_MILES = 150
# Intakes that ask for a mentor (kindred.referrals.models.SupportWanted).
ONE_TO_ONE = ("one-to-one", "both", "virtual")
CARE_WORDS = {
    "nicu": ("nicu", "neonatal"),
    "picu": ("picu", "pediatric intensive"),
    "cardiac": ("cardiac", "cardio", "heart"),
    "oncology": ("oncology", "cancer", "oncolog"),
    "inpatient": ("inpatient", "hospital", "unit"),
    "outpatient": ("outpatient", "clinic", "clínica"),
    "emergency": ("emergency", "urgencias"),
    "home_health": ("home health", "nursing", "enfermer"),
    "early_intervention": ("early intervention", "intervención temprana"),
    "school": ("school", "iep", "escuela"),
}


def care_codes(text: str) -> set[str]:
    lowered = (text or "").lower()
    return {code for code, words in CARE_WORDS.items() if any(w in lowered for w in words)}


def effective_weights(
    settings: MatchSettings, intake: Intake | None, relaxed: Iterable[str] = ()
) -> dict[str, Level]:
    """The program's default per criterion, raised or lowered by the family's intake; a
    must-have the family agreed to loosen counts as high."""
    weights = settings.default_levels()
    for key, value in ((intake.criteria if intake else None) or {}).items():
        criterion = INTAKE_CRITERIA.get(key)
        if criterion and value in INTAKE_LEVELS:
            weights[criterion] = INTAKE_LEVELS[value]
    for criterion in relaxed:
        if weights.get(criterion) == Level.MUST:
            weights[criterion] = Level.HIGH
    return {c: weights[c] for c in CRITERIA}


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def latest_intakes(family_ids: Sequence[int]) -> dict[int, Intake]:
    """Each family's latest intake (one query)."""
    found: dict[int, Intake] = {}
    for intake in (
        Intake.objects.filter(referral__family_id__in=family_ids)
        .select_related("referral")
        .order_by("referral__family_id", "-done_at", "-id")
    ):
        found.setdefault(intake.referral.family_id, intake)
    return found


def mentor_consent_decision() -> Subquery:
    """The family's latest decision on sharing with a mentor in effect now, as an annotation
    (consent.may(family, share with a mentor) is its being granted)."""
    return Subquery(
        Consent.objects.filter(
            family_id=OuterRef("pk"),
            scope=Consent.Scope.SHARE_WITH_MENTOR,
            effective_at__lte=timezone.now(),
        )
        .order_by("-effective_at", "-id")
        .values("decision")[:1]
    )


def vocabulary_labels(language: str) -> dict[str, str]:
    labels = {f"tx:{c}": str(label) for c, label in TREATMENTS}
    labels.update({f"care:{c}": str(label) for c, label in CARE_SETTINGS})
    labels.update({f"sit:{c}": str(label) for c, label in FAMILY_SITUATIONS})
    return labels


def family_sides(
    families: Iterable[Family] | QuerySet[Family],
    settings: MatchSettings,
    *,
    today: date | None = None,
) -> list[FamilySide]:
    """FamilySide of each family (queries: families with their wishes and consent to share
    with a mentor, caregivers, children, their conditions and experiences; intakes)."""
    today = today or timezone.localdate()
    language = (get_language() or "en")[:2]
    ids = [f.pk for f in families] if not isinstance(families, QuerySet) else None
    queryset: Any = Family.objects.filter(pk__in=ids) if ids is not None else families
    rows = list(
        queryset.select_related("matching_wishes")
        .annotate(mentor_consent=mentor_consent_decision())
        .prefetch_related(
            "caregivers",
            Prefetch(
                "children",
                queryset=Child.objects.filter(is_active=True).prefetch_related(
                    Prefetch("conditions", queryset=Condition.objects.select_related("category")),
                    "experiences",
                ),
            ),
        )
    )
    family_ids = [f.pk for f in rows]
    intakes = latest_intakes(family_ids)
    base_labels = vocabulary_labels(language)
    sides = []
    for family in rows:
        intake = intakes.get(family.pk)
        wish = _wishes(family)
        labels = dict(base_labels)
        if family.zip_code:
            labels["zip"] = family.zip_code[:5]
        conditions, categories, experiences, care, ages = set(), set(), set(), set(), []
        situations = {f"sit:{s}" for s in (wish.situations if wish else [])}
        children = list(family.children.all())
        for child in children:
            if child.is_deceased:
                situations.add("sit:bereaved")
                continue
            for condition in child.conditions.all():
                conditions.add(f"cond:{condition.pk}")
                labels[f"cond:{condition.pk}"] = condition.label_for(language)
                if condition.category_id:
                    categories.add(f"cat:{condition.category_id}")
                    labels[f"cat:{condition.category_id}"] = condition.category.label_for(language)
            for experience in child.experiences.all():
                experiences.add(f"exp:{experience.pk}")
                labels[f"exp:{experience.pk}"] = experience.label_for(language)
            care |= {f"care:{c}" for c in care_codes(child.care_settings)}
            age = _age(child.date_of_birth, today)
            if age is not None:
                ages.append(age)
        if sum(1 for c in children if not c.is_deceased) > 1:
            situations.add("sit:several_children")
        caregivers = [c for c in family.caregivers.all() if c.is_active]
        languages = {c.preferred_language for c in caregivers if c.preferred_language}
        needed = (
            normalize_language(intake.mentor_language)
            if intake and intake.mentor_language
            else None
        )
        if needed is None:
            primary = next(
                (c for c in caregivers if c.is_primary), caregivers[0] if caregivers else None
            )
            if primary is not None and primary.interpreter_needed and primary.preferred_language:
                needed = primary.preferred_language
        sides.append(
            FamilySide(
                family_id=family.pk,
                program_id=family.program_id,
                weights=effective_weights(settings, intake, wish.relaxed if wish else ()),
                languages=frozenset(languages),
                language_needed=needed,
                conditions=frozenset(conditions),
                condition_categories=frozenset(categories),
                experiences=frozenset(experiences),
                treatments=frozenset(f"tx:{t}" for t in (wish.treatments if wish else [])),
                care_settings=frozenset(care),
                child_ages=tuple(ages),
                point=zip_centroid(family.zip_code) if family.zip_code else None,
                in_person=bool(wish and wish.in_person),
                gender_wanted=(intake.mentor_gender if intake else "") or "",
                culture_wanted=wish.culture_wanted if wish else "",
                situations=frozenset(situations),
                consent_to_mentor=family.mentor_consent == Consent.Decision.GRANTED,
                labels=labels,
            )
        )
    return sides


def _wishes(family: Family) -> FamilyWishes | None:
    try:
        return family.matching_wishes
    except FamilyWishes.DoesNotExist:
        return None


def is_ready(mentor: Mentor, rule: str, today: date) -> bool:
    if rule == MatchSettings.Readiness.OFF_TREATMENT:
        return mentor.off_active_treatment is True
    if rule == MatchSettings.Readiness.ONE_YEAR:
        return mentor.experience_year is not None and mentor.experience_year <= today.year - 1
    return True


def _age_range(mentor: Mentor) -> tuple[int, int] | None:
    """The mentor's own child's age range; one end given stands for one age."""
    ends = [age for age in (mentor.child_age_from, mentor.child_age_to) if age is not None]
    return (min(ends), max(ends)) if ends else None


ENGINE_FIELDS = [
    "pk",
    "program_id",
    "status",
    "max_families",
    "active_family_count",
    "languages",
    "treatment_codes",
    "care_settings",
    "postal_code",
    "travel",
    "gender",
    "culture",
    "family_situations",
    "experience_year",
    "off_active_treatment",
    "excluded_situations",
    "full_name",
    "child_age_from",
    "child_age_to",
]


def mentor_sides(
    program: Any, settings: MatchSettings, *, today: date | None = None
) -> list[MentorSide]:
    """Every active or paused mentor of the program (the excluded ones are shown on request),
    each with `matchable` from `Mentor.objects.matchable()`: four queries."""
    today = today or timezone.localdate()
    matchable = set(Mentor.objects.matchable(program, on=today).values_list("pk", flat=True))
    # Model rows with only the fields the engine reads, and the conditions and experiences as
    # plain id pairs: a roster of 10,000 costs three light queries, not 30,000 model objects
    # (bench/bench_matching.py, rank_family from PostgreSQL).
    mentors = (
        Mentor.objects.filter(
            program=program, status__in=[Mentor.Status.ACTIVE, Mentor.Status.PAUSED]
        )
        .only(*ENGINE_FIELDS)
        .order_by("pk")
    )
    in_roster = Q(mentor__program=program) & Q(
        mentor__status__in=[Mentor.Status.ACTIVE, Mentor.Status.PAUSED]
    )
    conditions: dict[int, list[tuple[int, int | None]]] = {}
    for mentor_id, condition_id, category_id in Mentor.child_conditions.through.objects.filter(
        in_roster
    ).values_list("mentor_id", "condition_id", "condition__category_id"):
        conditions.setdefault(mentor_id, []).append((condition_id, category_id))
    experiences: dict[int, list[int]] = {}
    for mentor_id, experience_id in Mentor.child_experiences.through.objects.filter(
        in_roster
    ).values_list("mentor_id", "experience_id"):
        experiences.setdefault(mentor_id, []).append(experience_id)
    # Equal code sets and places are one object each: the roster is kept in memory between
    # requests (roster.py), and most mentors share their languages, situations or ZIP.
    sets: dict[frozenset[str], frozenset[str]] = {}
    places: dict[str, tuple[float, float] | None] = {}

    def shared(codes: Iterable[str]) -> frozenset[str]:
        found = frozenset(codes)
        return sets.setdefault(found, found)

    def place(postal_code: str) -> tuple[float, float] | None:
        if postal_code not in places:
            places[postal_code] = zip_centroid(postal_code) if postal_code else None
        return places[postal_code]

    sides = []
    for mentor in mentors:
        held = conditions.get(mentor.pk, [])
        sides.append(
            MentorSide(
                mentor_id=mentor.pk,
                matchable=mentor.pk in matchable,
                capacity_left=max(0, mentor.max_families - mentor.active_family_count),
                active_count=mentor.active_family_count,
                languages=shared(mentor.languages or []),
                conditions=shared(f"cond:{c}" for c, _category in held),
                condition_categories=shared(f"cat:{category}" for _c, category in held if category),
                experiences=shared(f"exp:{e}" for e in experiences.get(mentor.pk, [])),
                treatments=shared(f"tx:{t}" for t in mentor.treatment_codes or []),
                care_settings=shared(f"care:{c}" for c in mentor.care_settings or []),
                child_ages=(),
                point=place(mentor.postal_code),
                travel_miles=REGION_MILES if mentor.travel_miles is None else mentor.travel_miles,
                gender=mentor.gender,
                culture=mentor.culture,
                situations=shared(f"sit:{s}" for s in mentor.family_situations or []),
                experience_year=mentor.experience_year,
                ready=is_ready(mentor, settings.readiness, today),
                excluded_situations=shared(f"sit:{s}" for s in mentor.excluded_situations or []),
                display_name=mentor.full_name,
                child_age_range=_age_range(mentor),
            )
        )
    return sides


def blocks_for(family_ids: Sequence[int]) -> Blocks:
    pairs: dict[tuple[int, int], str] = {}
    for block in BlockedPair.objects.filter(family_id__in=family_ids):
        pairs.setdefault((block.family_id, block.mentor_id), block.get_kind_display())
    return Blocks(pairs=pairs)
