"""The structured lists a mentor describes themselves with, shared with the matching app (which
compares them with a family's): treatments, family situations, gender, readiness.

Codes are stored; labels are translated. A code is never renamed: add a new one instead.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

# Treatments and technology a child may have had (Parent to Parent practice: families ask for a
# parent "who has been through the same treatment").
TREATMENTS = [
    ("heart_surgery", _("Heart surgery")),
    ("chemotherapy", _("Chemotherapy or radiation")),
    ("transplant", _("Organ or bone marrow transplant")),
    ("tracheostomy", _("Tracheostomy")),
    ("ventilator", _("Ventilator or home oxygen")),
    ("feeding_tube", _("Feeding tube (G-tube, NG tube)")),
    ("shunt", _("Shunt or brain surgery")),
    ("spine_surgery", _("Spine or orthopedic surgery")),
    ("dialysis", _("Dialysis")),
    ("insulin", _("Insulin pump or glucose monitor")),
    ("port", _("Port or central line")),
    ("therapies", _("Speech, physical, occupational or behavior therapy")),
    ("hearing_devices", _("Hearing aids or cochlear implant")),
    ("wheelchair", _("Wheelchair or mobility equipment")),
]
TREATMENT_CODES = frozenset(code for code, _label in TREATMENTS)

# Family situations a parent may share, and a mentor may prefer not to support.
FAMILY_SITUATIONS = [
    ("single_parent", _("Single parent")),
    ("military", _("Military family")),
    ("rural", _("Lives in a rural area")),
    ("several_children", _("Several children with special needs")),
    ("bereaved", _("Bereaved (a child has died)")),
    ("foster_adoptive", _("Foster or adoptive family")),
    ("grandparent", _("Grandparent raising a child")),
    ("teen_parent", _("Young or teen parent")),
    ("new_to_country", _("New to the country")),
    ("twins_multiples", _("Twins or multiples")),
]
SITUATION_CODES = frozenset(code for code, _label in FAMILY_SITUATIONS)


def _validate_codes(values: object, known: frozenset[str], message: Any) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(values, list) or any(v not in known for v in values):
        raise ValidationError(message, code="invalid_choice")


def validate_treatments(values: object) -> None:
    _validate_codes(values, TREATMENT_CODES, _("Choose treatments from the list."))


def validate_situations(values: object) -> None:
    _validate_codes(values, SITUATION_CODES, _("Choose family situations from the list."))
