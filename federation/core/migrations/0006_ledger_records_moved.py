"""The export and import records now belong to the ledger framework (ledgers 0001): state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("federation", "0005_import_record"), ("ledgers", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ExportRecord"),
                migrations.DeleteModel(name="ImportRecord"),
            ],
        ),
    ]
