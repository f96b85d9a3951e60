"""Likely duplicates of a family about to be created (by hand, by import or by a referral).

A likely duplicate is a family of the same program, not entered in error or merged, with the
same phone number or e-mail address as one of its caregivers, or with a child born on the same
date and a caregiver whose name is similar (issue 3). The coordinator sees them before saving
and may merge two records later (services.family_merge).
"""

from datetime import date
from difflib import SequenceMatcher

from django.db.models import Q

from kindred.families.models import Caregiver, Child, Family, normalize_text, phone_digits
from kindred.programs.models import Program

NAME_SIMILARITY = 0.75
LIMIT = 10


def name_similarity(a: str, b: str) -> float:
    a, b = normalize_text(a), normalize_text(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    # Names are often written in another order ("García López, Ana" / "Ana García").
    tokens_a, tokens_b = set(a.replace(",", " ").split()), set(b.replace(",", " ").split())
    overlap = len(tokens_a & tokens_b) / max(1, min(len(tokens_a), len(tokens_b)))
    return max(SequenceMatcher(None, a, b).ratio(), overlap if len(tokens_a & tokens_b) >= 2 else 0)


def find_likely_duplicates(
    *,
    program: Program | int,
    caregiver_name: str = "",
    phone: str = "",
    email: str = "",
    child_birth_date: date | None = None,
    exclude: int | None = None,
) -> list[Family]:
    program_id = program.pk if isinstance(program, Program) else program
    usable = Q(program_id=program_id, status__in=[Family.Status.ACTIVE, Family.Status.CLOSED])
    ids: list[int] = []

    contact = Q()
    digits = phone_digits(phone)
    if len(digits) >= 7:
        contact |= Q(phone_digits=digits)
    if email.strip():
        contact |= Q(email__iexact=email.strip())
    if contact:
        ids += list(
            Caregiver.objects.filter(
                contact, is_active=True, family__in=Family.objects.filter(usable)
            ).values_list("family_id", flat=True)[:LIMIT]
        )

    if child_birth_date and caregiver_name.strip():
        candidates = Caregiver.objects.filter(
            is_active=True,
            family__in=Family.objects.filter(usable).filter(
                pk__in=Child.objects.filter(date_of_birth=child_birth_date, is_active=True).values(
                    "family_id"
                )
            ),
        ).values_list("family_id", "first_name", "last_name")[:200]
        for family_id, first, last in candidates:
            if name_similarity(caregiver_name, f"{first} {last}") >= NAME_SIMILARITY:
                ids.append(family_id)

    seen: list[int] = []
    for family_id in ids:
        if family_id not in seen and family_id != exclude:
            seen.append(family_id)
    families = Family.objects.filter(pk__in=seen[:LIMIT]).prefetch_related("caregivers", "children")
    by_id = {f.pk: f for f in families}
    return [by_id[i] for i in seen[:LIMIT] if i in by_id]
