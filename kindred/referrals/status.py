"""The life of a referral: FHIR Task statuses (HL7 Gravity SDOH Clinical Care IG, Task for
referral management), stored as the FHIR codes themselves so an intake over FHIR maps 1:1.

Inside in-progress the program follows its own steps (contacting → intake done → matched /
in a group / referred out); a step change is recorded like a status change.

The allowed moves are `Referral.TRANSITIONS` (one table, on the model: kindred.audit.states).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # Not "Received": FHIR's own `received` code means something else (a performer evaluating).
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Declined by the program")
    IN_PROGRESS = "in-progress", _("In progress")
    ON_HOLD = "on-hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Closed without support")
    CANCELLED = "cancelled", _("Cancelled")
    ENTERED_IN_ERROR = "entered-in-error", _("Entered in error")


class Step(models.TextChoices):
    CONTACTING = "contacting", _("Contacting the family")
    INTAKE_DONE = "intake-done", _("Intake done")
    MATCHED = "matched", _("Matched with a mentor")
    IN_GROUP = "in-group", _("Joined a support group")
    REFERRED_OUT = "referred-out", _("Referred to another resource")


class Reason(models.TextChoices):
    """Why a referral was declined, paused, cancelled or closed without support."""

    UNABLE_TO_REACH = "unable-to-reach", _("Unable to reach the family")
    FAMILY_DECLINED = "family-declined", _("The family declined support")
    NOT_ELIGIBLE = "not-eligible", _("Not eligible for this program")
    NO_CAPACITY = "no-capacity", _("No mentor or group available")
    DUPLICATE = "duplicate", _("Duplicate referral")
    FAMILY_REQUEST = "family-request", _("The family asked to wait")
    CHILD_HOSPITALIZED = "child-hospitalized", _("Child in hospital")
    REFERRED_ELSEWHERE = "referred-elsewhere", _("Better served elsewhere")
    CHILD_DIED = "bereavement", _("Bereavement")
    OTHER = "other", _("Other")


# Gravity IG: Task.statusReason is required for these.
REASON_REQUIRED = frozenset({Status.REJECTED, Status.CANCELLED, Status.ON_HOLD, Status.FAILED})
# No more work: the deadline clock and the queue ignore them.
CLOSED = frozenset(
    {
        Status.REJECTED,
        Status.COMPLETED,
        Status.FAILED,
        Status.CANCELLED,
        Status.ENTERED_IN_ERROR,
    }
)
OPEN = frozenset(set(Status.values) - CLOSED)
# Steps, in order; the last three are the outcomes that complete a referral.
STEP_ORDER = [Step.CONTACTING, Step.INTAKE_DONE, Step.MATCHED, Step.IN_GROUP, Step.REFERRED_OUT]
OUTCOMES = frozenset({Step.MATCHED, Step.IN_GROUP, Step.REFERRED_OUT})
SUPPORTED = frozenset({Step.MATCHED, Step.IN_GROUP})
