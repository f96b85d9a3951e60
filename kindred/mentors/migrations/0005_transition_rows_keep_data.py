"""Make the existing rows fit the shared transition row (kindred.audit.states.TransitionRow),
before 0006 changes the columns. Its own migration: on PostgreSQL, rows updated in a transaction
cannot have their table altered in the same one.

- A mentor's status change keeps a reason of at most 500 characters: a longer one (the old column
  had no limit) is kept whole in the new `note`, and `reason` keeps its beginning.
- A resolved escalation's change carries what was done: an empty note takes the escalation's
  resolution notes (always written when resolving).
"""

from django.db import migrations, models
from django.db.models.functions import Length

REASON_MAX = 500


def keep_data(apps, schema_editor):
    MentorStatusChange = apps.get_model("mentors", "MentorStatusChange")
    EscalationChange = apps.get_model("mentors", "EscalationChange")
    long_reasons = MentorStatusChange.objects.annotate(n=Length("reason")).filter(n__gt=REASON_MAX)
    for change in long_reasons.iterator():
        change.note = change.reason
        change.reason = change.reason[: REASON_MAX - 1] + "…"
        change.save(update_fields=["note", "reason"])
    for change in EscalationChange.objects.filter(to_status="resolved", note="").select_related(
        "escalation"
    ):
        change.note = change.escalation.resolution_notes or "—"
        change.save(update_fields=["note"])


def put_reasons_back(apps, schema_editor):
    MentorStatusChange = apps.get_model("mentors", "MentorStatusChange")
    for change in MentorStatusChange.objects.exclude(note="").iterator():
        if change.reason.endswith("…") and change.note.startswith(change.reason[:-1]):
            change.reason, change.note = change.note, ""
            change.save(update_fields=["note", "reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("mentors", "0004_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentorstatuschange",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.RunPython(keep_data, put_reasons_back),
    ]
