"""The program's codebook of themes: a starter set (seed 000's themes and the issue's list), put
into each program the first time it is needed, then the program's own to edit."""

from typing import Any

from django.db import IntegrityError, transaction

from kindred.encounters.models import Theme

# slug, English, Spanish, parent slug
STARTER_THEMES: list[tuple[str, str, str, str]] = [
    (
        "care-coordination",
        "Care coordination and management needs",
        "Coordinación y manejo del cuidado",
        "",
    ),
    ("navigating-health-system", "Navigating the health system", "Navegar el sistema de salud", ""),
    (
        "worry-stress",
        "Worry and stress about the child and family",
        "Preocupación y estrés por el niño y la familia",
        "",
    ),
    ("self-care", "Stress management and self-care", "Manejo del estrés y autocuidado", ""),
    ("siblings-family-life", "Siblings and family life", "Hermanos y vida familiar", ""),
    ("school-services", "School and services", "Escuela y servicios", ""),
    ("insurance-finances", "Insurance and finances", "Seguro y finanzas", ""),
    ("equipment-home-care", "Equipment and home care", "Equipo y cuidado en casa", ""),
    ("transitions", "Transitions", "Transiciones", ""),
    ("transition-nicu-home", "NICU to home", "De la UCIN a casa", "transitions"),
    (
        "transition-adult-care",
        "Pediatric to adult care",
        "De la atención pediátrica a la de adultos",
        "transitions",
    ),
    ("grief-loss", "Grief and loss", "Duelo y pérdida", ""),
]


def ensure_codebook(program: Any) -> None:
    """Give `program` the starter themes it lacks (by slug); idempotent, and a program's edits
    (a renamed or retired theme) are kept. One query when the codebook exists."""
    if Theme.objects.filter(program=program).exists():
        return
    try:
        with transaction.atomic():
            made: dict[str, Theme] = {}
            for position, (slug, name, name_es, parent) in enumerate(STARTER_THEMES):
                made[slug] = Theme.objects.create(
                    program=program,
                    slug=slug,
                    name=name,
                    name_es=name_es,
                    parent=made.get(parent) if parent else None,
                    position=position,
                )
    except IntegrityError:  # another request made it at the same moment
        return


def theme_tree(program: Any, *, include_inactive: bool = False) -> list[tuple[Theme, list[Theme]]]:
    """[(theme, [sub-themes])] in the codebook's order, one query."""
    rows = Theme.objects.filter(program=program)
    if not include_inactive:
        rows = rows.filter(is_active=True)
    themes = list(rows)
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    return [(t, children.get(t.pk, [])) for t in themes if t.parent_id is None]


def theme_label(theme: Theme) -> str:
    return theme.label
