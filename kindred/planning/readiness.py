"""The readiness self-assessment: the building blocks of a P2P mentor program (Stanford
Children's P2P Mentor guide, seed 004, and the Parent Mentor Learning Collaborative's standards),
each a few statements a program answers not started / in progress / in place.

The items are written for Kindred (not copied from the guide). Their keys are stable: answers
store them, so a statement may be reworded but a key is never reused for another meaning.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_PLACE = "in_place", _("In place")


@dataclass(frozen=True)
class Item:
    key: str
    text: str | Promise
    next_step: str | Promise


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "leadership",
        _("Leadership support"),
        (
            Item(
                "leadership.sponsor",
                _("A leader of the organization sponsors the program and speaks for it."),
                _("Ask a senior leader to sponsor the program and meet them each quarter."),
            ),
            Item(
                "leadership.approval",
                _("The program's purpose and scope are approved in writing."),
                _("Write a one-page proposal and have it approved by leadership."),
            ),
            Item(
                "leadership.champions",
                _("Clinical champions in the units or clinics served support referrals."),
                _("Find one physician or nurse champion in each unit or clinic you will serve."),
            ),
        ),
    ),
    Section(
        "design_team",
        _("A design team co-led by families"),
        (
            Item(
                "design_team.formed",
                _("A design team meets regularly to plan the program."),
                _("Invite staff and parents to a design team and set a meeting schedule."),
            ),
            Item(
                "design_team.family_lead",
                _("A parent of a child with special health care needs co-leads the team."),
                _("Ask a veteran parent to co-lead the design team, with paid or recognised time."),
            ),
            Item(
                "design_team.voices",
                _(
                    "The families the program will serve are heard (languages, cultures, conditions)."
                ),
                _("Hold listening sessions with families, in their languages, before deciding."),
            ),
        ),
    ),
    Section(
        "staffing",
        _("Staffing and supervision"),
        (
            Item(
                "staffing.coordinator",
                _("A program coordinator has time set aside for the program."),
                _("Agree on the coordinator's hours and write them into a job description."),
            ),
            Item(
                "staffing.supervisor",
                _("A supervisor (social worker, psychologist or nurse lead) backs the mentors."),
                _("Name a supervisor and agree how often they meet the mentors."),
            ),
            Item(
                "staffing.escalation",
                _("There is a written way to raise safety concerns quickly."),
                _("Write the escalation steps: who is called, how fast, and what is recorded."),
            ),
        ),
    ),
    Section(
        "funding",
        _("Funding"),
        (
            Item(
                "funding.budget",
                _("The program has a budget for at least its first year."),
                _(
                    "List the costs (staff, training, mentor stipends, materials) and find a source."
                ),
            ),
            Item(
                "funding.mentor_pay",
                _("It is decided whether mentors are volunteers or paid, and how."),
                _(
                    "Decide with human resources whether mentors are volunteers, stipended or staff."
                ),
            ),
            Item(
                "funding.sustain",
                _("There is a plan for funding beyond the first grant."),
                _("Identify a second source of funding and the numbers a funder will ask for."),
            ),
        ),
    ),
    Section(
        "recruitment",
        _("Recruitment"),
        (
            Item(
                "recruitment.profile",
                _("The qualities and experience wanted in a mentor are written down."),
                _("Write the mentor profile: lived experience, readiness, time, languages."),
            ),
            Item(
                "recruitment.channels",
                _("There are ways to find veteran parents (clinics, groups, community partners)."),
                _("Ask clinics and community partners to suggest veteran parents."),
            ),
            Item(
                "recruitment.screening",
                _("Screening steps are set: application, interview, references, background check."),
                _("Agree the screening steps with human resources and volunteer services."),
            ),
        ),
    ),
    Section(
        "training",
        _("Training"),
        (
            Item(
                "training.curriculum",
                _(
                    "An initial training curriculum exists (shared experience, listening, boundaries)."
                ),
                _("Outline the initial training, about 16 hours, and who teaches each part."),
            ),
            Item(
                "training.cohorts",
                _("Training is offered in cohorts on a schedule mentors can keep."),
                _("Plan the first training cohort of 8 to 12 parents and its dates."),
            ),
            Item(
                "training.ongoing",
                _("Ongoing training and refreshers are planned."),
                _("Plan refreshers and how expiring qualifications are renewed."),
            ),
        ),
    ),
    Section(
        "documentation",
        _("Documentation and privacy"),
        (
            Item(
                "documentation.contacts",
                _("Mentors know what to record after each contact, and where."),
                _("Agree the contact record (when, how, support given, follow-ups) and try it."),
            ),
            Item(
                "documentation.consent",
                _("Families give permission before a referral or a match, and it is recorded."),
                _("Write the consent wording and how it is recorded, in each language."),
            ),
            Item(
                "documentation.privacy",
                _("Privacy and confidentiality rules are agreed with the privacy office."),
                _("Review the program with the privacy office: what mentors may see and share."),
            ),
        ),
    ),
    Section(
        "integration",
        _("Team integration"),
        (
            Item(
                "integration.referrals",
                _("Care teams know how to refer a family in under a minute."),
                _("Show the referral form at a staff meeting of each unit or clinic."),
            ),
            Item(
                "integration.role",
                _(
                    "The mentor's role is explained to the care team (what mentors do and do not do)."
                ),
                _("Write a short description of the mentor's role for the care team."),
            ),
            Item(
                "integration.loop",
                _("Referrers hear back whether the family was reached."),
                _("Decide how and when referrers are told the status of their referrals."),
            ),
        ),
    ),
    Section(
        "evaluation",
        _("Evaluation"),
        (
            Item(
                "evaluation.objectives",
                _("The program has measurable objectives (e.g. first contact within 48 hours)."),
                _("Choose three to five objectives and add them to the program plan."),
            ),
            Item(
                "evaluation.feedback",
                _("Families and mentors are asked whether the support helped."),
                _("Choose the feedback questions and when families and mentors are asked."),
            ),
            Item(
                "evaluation.review",
                _("The numbers are reviewed regularly and lead to changes."),
                _("Set a quarterly review of the numbers with the design team."),
            ),
        ),
    ),
)

ITEMS: dict[str, Item] = {item.key: item for section in SECTIONS for item in section.items}
SECTION_OF: dict[str, Section] = {
    item.key: section for section in SECTIONS for item in section.items
}


@dataclass(frozen=True)
class SectionSummary:
    section: Section
    in_place: int
    total: int


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]  # answer → number of items
    sections: list[SectionSummary]
    next_steps: list[tuple[Section, Item, str]]  # (section, item, its answer), most urgent first

    @property
    def total(self) -> int:
        return sum(self.counts.values())


NEXT_STEPS_SHOWN = 6


def summarize(answers: dict[str, str]) -> Summary:
    """Counts, progress per section, and what to do next: the items not yet in place, those
    not started before those in progress, building blocks in the guide's order (leadership
    and a design team come before recruiting and training)."""
    counts = dict.fromkeys(Answer.values, 0)
    sections = []
    for section in SECTIONS:
        in_place = 0
        for item in section.items:
            answer = answers.get(item.key, Answer.NOT_STARTED)
            counts[answer] += 1
            in_place += answer == Answer.IN_PLACE
        sections.append(SectionSummary(section, in_place, len(section.items)))
    pending = [
        (section, item, answers.get(item.key, Answer.NOT_STARTED))
        for section in SECTIONS
        for item in section.items
        if answers.get(item.key, Answer.NOT_STARTED) != Answer.IN_PLACE
    ]
    pending.sort(key=lambda row: row[2] != Answer.NOT_STARTED)  # stable: guide order kept
    return Summary(counts, sections, pending[:NEXT_STEPS_SHOWN])
