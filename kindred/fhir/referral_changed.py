"""A referral from an EHR changed: its sender's subscriptions hear of it (kindred.fhir.push)."""

from typing import Any

from kindred.fhir import push


def referral_changed(referral: Any) -> None:
    push.plan(referral)
