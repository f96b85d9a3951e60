"""The plan's six questions (Stanford guide, seed 004): the program's own text for each, and
beside it the facts Kindred holds in the program's settings."""

from typing import Any

from django.utils.translation import gettext as _

from kindred.planning import facts
from kindred.planning.models import ProgramPlan

QUESTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("why", ("mission", "need")),
    ("who", ("families_served", "mentors", "staff")),
    ("what", ("delivery",)),
    ("where", ("places",)),
    ("when", ("availability",)),
    ("how", ("recruiting", "screening", "training", "supervision", "documentation")),
]


def question_titles() -> dict[str, tuple[str, str]]:
    return {
        "why": (_("Why"), _("Mission and need")),
        "who": (_("Who"), _("Families served, mentors and staff")),
        "what": (_("What"), _("Delivery models")),
        "where": (_("Where"), _("Units, clinics and community")),
        "when": (_("When"), _("Hours and targets")),
        "how": (_("How"), _("Recruiting, screening, training, supervision, documentation")),
    }


def field_label(name: str) -> str:
    field = ProgramPlan._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def plan_sections(plan: ProgramPlan, program: Any) -> list[dict[str, Any]]:
    titles = question_titles()
    settings_facts: dict[str, list[facts.Fact]] = {
        "what": [facts.Fact(_("Offered"), ", ".join(facts.delivery_models(program)) or "–")],
        "where": [facts.Fact(_("Scope"), facts.where_fact(program))],
        "when": facts.when_facts(program),
    }
    return [
        {
            "key": key,
            "title": titles[key][0],
            "subtitle": titles[key][1],
            "fields": [(field_label(name), getattr(plan, name)) for name in names],
            "facts": settings_facts.get(key, []),
        }
        for key, names in QUESTIONS
    ]
