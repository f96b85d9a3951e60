from typing import Any

import pytest

from kindred.referrals.models import ConsentMethod, Referral, Source
from kindred.referrals.services import ReferredFamily, referral_create


def make_referral(world: Any, **overrides: Any) -> Referral:
    """A referral to program A by its referrer, through the real service."""
    family = overrides.pop(
        "family",
        ReferredFamily(
            caregiver_first_name="Marisol",
            caregiver_last_name="Quintero",
            phone="555-201-3344",
            language="es",
            child_first_name="Teo",
        ),
    )
    kwargs: dict[str, Any] = {
        "program": world.program_a,
        "family": family,
        "source": Source.REFERRER,
        "by": world.users["referrer"],
        "consent_to_contact": True,
        "consent_obtained_by": "Referrer A",
        "consent_method": ConsentMethod.VERBAL,
        "share_status_with_referrer": True,
        "reasons": ["new-diagnosis"],
        "looking_for": "Talk with a parent whose baby had heart surgery",
    }
    kwargs.update(overrides)
    return referral_create(**kwargs)


@pytest.fixture
def referral(world: Any) -> Referral:
    return make_referral(world)
