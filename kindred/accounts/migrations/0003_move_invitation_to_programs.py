# Invitations belong to programs (a person is invited into a program with a role): the model
# moves to the programs app with its rows. Here the table takes its new name and the model leaves
# accounts' state; programs.0003_invitation_from_accounts takes it into programs' state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='invitation', table='programs_invitation'),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Invitation')],
            database_operations=[],
        ),
    ]
