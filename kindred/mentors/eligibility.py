"""Who may be matched with a family today: the one rule the matching issue reads.

A mentor is matchable on a date when they are active (not paused, not in training, not alumni),
have room for another family (active families < maximum), and hold every qualification their
program marks "required to be matched", valid on that date (background check, refresher,
confidentiality agreement...). `Mentor.objects.matchable(program, on)` is the same rule as one
query; tests assert both agree.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.mentors.models import Mentor, Qualification, QualificationType

NOT_YET_ACTIVE = {Mentor.Status.APPLICANT, Mentor.Status.SCREENING, Mentor.Status.TRAINING}


def not_matchable_reasons(mentor: Mentor, on: date | None = None) -> list[str]:
    """Why this mentor may not be matched on `on` (empty: matchable), in the active language."""
    on = on or timezone.localdate()
    reasons: list[str] = []
    if mentor.status != Mentor.Status.ACTIVE:
        if mentor.status == Mentor.Status.PAUSED and mentor.paused_until:
            reasons.append(
                _("Paused until %(date)s.") % {"date": mentor.paused_until.strftime("%Y-%m-%d")}
            )
        else:
            reasons.append(
                _("Status is “%(status)s”, not active.") % {"status": mentor.get_status_display()}
            )
    if mentor.status in NOT_YET_ACTIVE:
        # Someone still applying is told what their stage needs, not the renewals an active
        # mentor keeps up ("Annual refresher training is missing" to a new applicant).
        for item in mentor.screening_missing():
            reasons.append(_("Screening: %(item)s is not passed yet.") % {"item": item.label()})
        return reasons
    if mentor.active_family_count >= mentor.max_families:
        reasons.append(
            _("Has no room: %(load)s of %(max)s families.")
            % {"load": mentor.active_family_count, "max": mentor.max_families}
        )
    required = QualificationType.objects.filter(
        program_id=mentor.program_id, required_for_matching=True, is_active=True
    )
    held: dict[int, list[Qualification]] = {}
    for qualification in Qualification.objects.filter(mentor=mentor, type__in=required):
        held.setdefault(qualification.type_id, []).append(qualification)
    for qualification_type in required:
        mine = held.get(qualification_type.pk, [])
        if any(q.is_valid_on(on) for q in mine):
            continue
        if mine:
            reasons.append(_("%(name)s has expired.") % {"name": qualification_type.label()})
        else:
            reasons.append(_("%(name)s is missing.") % {"name": qualification_type.label()})
    return reasons


def is_matchable(mentor: Mentor, on: date | None = None) -> bool:
    return not not_matchable_reasons(mentor, on)
