"""What a person may do changed: their cached record (programs/person.py) is out of date."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kindred.programs.models import Membership, Organization, OrganizationMembership, Program
from kindred.programs.person import (
    members_of_organization,
    members_of_program,
    people_changed,
    person_changed,
)


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A deactivation, a password or e-mail change, a language, the last sign-in: all of it is
    # in the record, so any save of the user is a new version.
    person_changed(instance.pk)


def connect_user_signals() -> None:
    user_model = get_user_model()
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="kindred-person-user-saved")
    post_delete.connect(_user_saved, sender=user_model, dispatch_uid="kindred-person-user-deleted")


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=OrganizationMembership)
@receiver(post_delete, sender=OrganizationMembership)
def _role_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    person_changed(instance.user_id)


@receiver(post_save, sender=Program)
def _program_saved(sender: Any, instance: Program, created: bool = False, **kwargs: Any) -> None:
    if not created:
        people_changed(members_of_program(instance))


@receiver(post_save, sender=Organization)
def _organization_saved(
    sender: Any, instance: Organization, created: bool = False, **kwargs: Any
) -> None:
    if not created:
        people_changed(members_of_organization(instance))


@receiver(user_logged_in)
@receiver(user_logged_out)
def _signed_in_or_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        person_changed(user.pk)
