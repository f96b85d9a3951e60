"""The roles a person holds in a program or an organization.

Their own module because both the models (a membership's role) and the permission matrix
(`permissions.py`: what each role may do) need them, and neither should import the other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    SUPERVISOR = "supervisor", _("Supervisor")
    MENTOR = "mentor", _("Mentor")
    REFERRER = "referrer", _("Referrer")
    EVALUATOR = "evaluator", _("Evaluator")


class OrganizationRole(models.TextChoices):
    ADMIN = "admin", _("Organization administrator")
    CURATOR = "curator", _("Directory curator")
