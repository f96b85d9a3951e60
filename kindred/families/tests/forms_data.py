"""POST data for the family form (formsets included), as a browser would send it."""

from typing import Any


def family_post(
    *,
    caregivers: list[dict[str, Any]],
    children: list[dict[str, Any]] = (),  # type: ignore[assignment]
    extra: dict[str, Any] | None = None,
    caregiver_total: int = 2,
    child_total: int = 2,
    caregiver_initial: int = 0,
    child_initial: int = 0,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "caregiver-TOTAL_FORMS": str(max(caregiver_total, len(caregivers))),
        "caregiver-INITIAL_FORMS": str(caregiver_initial),
        "caregiver-MIN_NUM_FORMS": "0",
        "caregiver-MAX_NUM_FORMS": "1000",
        "child-TOTAL_FORMS": str(max(child_total, len(children))),
        "child-INITIAL_FORMS": str(child_initial),
        "child-MIN_NUM_FORMS": "0",
        "child-MAX_NUM_FORMS": "1000",
        "consent-method": "verbal",
    }
    for index in range(max(caregiver_total, len(caregivers))):
        row = {
            "relationship": "mother",
            "preferred_language": "en",
            "preferred_contact_method": "phone",
        }
        if index < len(caregivers):
            row.update(caregivers[index])
        else:
            row = {"preferred_language": "en", "preferred_contact_method": "phone"}
        for key, value in row.items():
            data[f"caregiver-{index}-{key}"] = value
    for index, row in enumerate(children):
        for key, value in row.items():
            data[f"child-{index}-{key}"] = value
    data.update(extra or {})
    return data


ANA = {
    "first_name": "Ana",
    "last_name": "García",
    "phone": "312-555-0142",
    "email": "ana@example.test",
    "preferred_language": "es",
    "interpreter_needed": "on",
}
MATEO = {"first_name": "Mateo", "last_name": "García", "date_of_birth": "2024-03-09"}
