"""Survey figures for the program report and the plan's objectives (kindred.lib.measures).

Periods are half-open [start, end) over dates: an invitation counts in the period it was sent,
an answer in the period it was given.
"""

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.lib.measures import Measure, MeasureValue, Unit
from kindred.surveys.models import FOLLOW_UP, Answer, Invitation
from kindred.surveys.results import AGREEING


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def response_rate(program: Any, start: date, end: date) -> MeasureValue:
    """Of the invitations sent in the period, the share answered (by now)."""
    sent = Invitation.objects.filter(
        program=program, created_at__gte=_moment(start), created_at__lt=_moment(end)
    )
    return MeasureValue.share(sent.filter(answered_at__isnull=False).count(), sent.count())


def _agreeing_at_follow_up(code: str) -> Any:
    def compute(program: Any, start: date, end: date) -> MeasureValue:
        answers = Answer.objects.filter(
            response__invitation__program=program,
            response__invitation__occasion__in=FOLLOW_UP,
            response__invitation__family__isnull=False,
            item__code=code,
            number__isnull=False,
            response__submitted_at__gte=_moment(start),
            response__submitted_at__lt=_moment(end),
        )
        return MeasureValue.share(answers.filter(number__gte=AGREEING).count(), answers.count())

    return compute


def would_recommend(program: Any, start: date, end: date) -> MeasureValue:
    answers = Answer.objects.filter(
        response__invitation__program=program,
        item__code="would_recommend",
        number__isnull=False,
        response__submitted_at__gte=_moment(start),
        response__submitted_at__lt=_moment(end),
    )
    return MeasureValue.share(answers.filter(number=1).count(), answers.count())


def responses(program: Any, start: date, end: date) -> MeasureValue:
    return MeasureValue.count(
        Invitation.objects.filter(
            program=program,
            answered_at__gte=_moment(start),
            answered_at__lt=_moment(end),
        ).count()
    )


MEASURES = [
    Measure(
        "surveys.response_rate",
        _("Survey invitations answered"),
        Unit.PERCENT,
        response_rate,
        help_text=_("Of the survey invitations sent in the period, the share answered."),
    ),
    Measure("surveys.responses", _("Survey answers received"), Unit.COUNT, responses),
    Measure(
        "surveys.less_alone_follow_up",
        _("Families who feel less alone (follow-up)"),
        Unit.PERCENT,
        _agreeing_at_follow_up("less_alone"),
        help_text=_("Follow-up answers agreeing or strongly agreeing with “I feel less alone”."),
    ),
    Measure(
        "surveys.know_where_help_follow_up",
        _("Families who know where to find help (follow-up)"),
        Unit.PERCENT,
        _agreeing_at_follow_up("know_where_help"),
    ),
    Measure(
        "surveys.confident_caring_follow_up",
        _("Families confident caring for their child (follow-up)"),
        Unit.PERCENT,
        _agreeing_at_follow_up("confident_caring"),
    ),
    Measure(
        "surveys.would_recommend",
        _("Would recommend the program"),
        Unit.PERCENT,
        would_recommend,
    ),
]
