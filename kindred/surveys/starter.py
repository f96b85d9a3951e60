"""The starter surveys every program can begin from, written for Kindred (not copied from any
published instrument): a family survey asked at baseline and at follow-up, and a mentor survey
about training and supervision. A program edits them or adds its own.

The item codes are stable: the measures (surveys/measures.py) and the baseline-to-follow-up
comparison read them.
"""

from typing import Any

from django.db import transaction

from kindred.surveys.models import Audience, Item, Occasion, Survey

AGREE, YES_NO, CHOICE, TEXT = "agree", "yes_no", "choice", "text"

FAMILY_ITEMS: list[dict[str, Any]] = [
    {
        "code": "confident_caring",
        "kind": AGREE,
        "text": "I feel confident caring for my child's health needs.",
        "text_es": "Me siento con confianza para cuidar las necesidades de salud de mi hijo o hija.",
    },
    {
        "code": "less_alone",
        "kind": AGREE,
        "text": "I feel less alone in what my family is going through.",
        "text_es": "Me siento menos solo o sola en lo que vive mi familia.",
    },
    {
        "code": "know_where_help",
        "kind": AGREE,
        "text": "I know where to find help when I need it.",
        "text_es": "Sé dónde encontrar ayuda cuando la necesito.",
    },
    {
        "code": "care_team",
        "kind": AGREE,
        "text": "I feel able to work with my child's care team as a partner.",
        "text_es": "Me siento capaz de trabajar con el equipo médico de mi hijo o hija como socio.",
    },
    {
        "code": "satisfied_support",
        "kind": AGREE,
        "follow_up_only": True,
        "text": "I am satisfied with the support from my mentor or group.",
        "text_es": "Estoy satisfecho o satisfecha con el apoyo de mi mentor o de mi grupo.",
    },
    {
        "code": "would_recommend",
        "kind": YES_NO,
        "follow_up_only": True,
        "text": "Would you recommend this program to another family?",
        "text_es": "¿Recomendaría este programa a otra familia?",
    },
    {
        "code": "contact_how",
        "kind": CHOICE,
        "follow_up_only": True,
        "text": "How did you mostly stay in touch?",
        "text_es": "¿Cómo se mantuvieron en contacto la mayoría de las veces?",
        "choices": [
            {"value": "phone", "en": "Phone calls", "es": "Llamadas"},
            {"value": "text", "en": "Text messages", "es": "Mensajes de texto"},
            {"value": "video", "en": "Video calls", "es": "Videollamadas"},
            {"value": "in_person", "en": "In person", "es": "En persona"},
        ],
    },
    {
        "code": "anything_else",
        "kind": TEXT,
        "text": "Is there anything else you would like to tell us?",
        "text_es": "¿Hay algo más que quiera contarnos?",
    },
]

MENTOR_ITEMS: list[dict[str, Any]] = [
    {
        "code": "training_prepared",
        "kind": AGREE,
        "text": "My training prepared me to support families.",
        "text_es": "Mi capacitación me preparó para apoyar a las familias.",
    },
    {
        "code": "supervision_helpful",
        "kind": AGREE,
        "text": "Supervision helps me when a conversation is hard.",
        "text_es": "La supervisión me ayuda cuando una conversación es difícil.",
    },
    {
        "code": "know_who_to_call",
        "kind": AGREE,
        "text": "I know whom to call when a family needs more than I can give.",
        "text_es": "Sé a quién llamar cuando una familia necesita más de lo que puedo dar.",
    },
    {
        "code": "feel_valued",
        "kind": AGREE,
        "text": "I feel valued by the program's staff.",
        "text_es": "Me siento valorado o valorada por el personal del programa.",
    },
    {
        "code": "continue_mentoring",
        "kind": YES_NO,
        "text": "Do you want to keep mentoring next year?",
        "text_es": "¿Quiere seguir siendo mentor o mentora el próximo año?",
    },
    {
        "code": "training_wish",
        "kind": TEXT,
        "text": "What training would help you most?",
        "text_es": "¿Qué capacitación le ayudaría más?",
    },
]

STARTERS: list[dict[str, Any]] = [
    {
        "key": "family-feedback",
        "title": "How is the support going?",
        "title_es": "¿Cómo va el apoyo?",
        "intro": "A few questions, about three minutes. Your answers help us improve.",
        "intro_es": "Unas preguntas, unos tres minutos. Sus respuestas nos ayudan a mejorar.",
        "audience": Audience.FAMILY,
        "occasions": [o.value for o in Occasion],
        "items": FAMILY_ITEMS,
    },
    {
        "key": "mentor-feedback",
        "title": "Mentor training and supervision",
        "title_es": "Capacitación y supervisión de mentores",
        "intro": "Tell us how we can support you as a mentor.",
        "intro_es": "Díganos cómo podemos apoyarle como mentor o mentora.",
        "audience": Audience.MENTOR,
        "occasions": [Occasion.MATCH_CLOSE.value, Occasion.YEARLY.value],
        "items": MENTOR_ITEMS,
    },
]


def install_starters(program: Any) -> list[Survey]:
    """Create the starter surveys in `program` (those it does not have yet, by key)."""
    made = []
    with transaction.atomic():
        for starter in STARTERS:
            fields = {k: v for k, v in starter.items() if k not in ("key", "items")}
            survey, created = Survey.objects.get_or_create(
                program=program, key=starter["key"], defaults=fields
            )
            if created:
                Item.objects.bulk_create(
                    Item(survey=survey, order=n * 10, **item)
                    for n, item in enumerate(starter["items"], start=1)
                )
            made.append(survey)
    return made
