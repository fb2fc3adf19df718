"""Fill every register entry's village (0012) from its person's, deleted entries and history rows too.

On PostgreSQL one ``UPDATE … FROM`` a table (a county's entries in seconds); elsewhere by batches of
entries, each one ``UPDATE`` with the person's village as a subquery. Backwards there is nothing to
undo: 0012's reversal drops the column.

A history row gets its person's village of today: the column is new, and where she lived when the
row was written is not kept on it.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

REGISTERS = ("leftbehindchild", "hardshipchild", "leftbehindwoman", "poorwoman")
BATCH = 2000


def fill_villages(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    connection = schema_editor.connection
    for name in REGISTERS:
        for model in (apps.get_model("registry", name), apps.get_model("registry", f"historical{name}")):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {model._meta.db_table} AS entry SET village_id = person.village_id "
                        f"FROM {Person._meta.db_table} AS person "
                        "WHERE person.id = entry.person_id AND entry.village_id IS NULL"
                    )
                continue
            village = Person.objects.filter(pk=OuterRef("person_id")).values("village_id")[:1]
            keys = model.objects.order_by("pk").values_list("pk", flat=True)
            last = 0
            while batch := list(keys.filter(pk__gt=last)[:BATCH]):
                model.objects.filter(pk__in=batch, village_id=None).update(village_id=Subquery(village))
                last = batch[-1]


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0013_register_entry_village"),
    ]

    operations = [
        migrations.RunPython(fill_villages, migrations.RunPython.noop),
    ]
