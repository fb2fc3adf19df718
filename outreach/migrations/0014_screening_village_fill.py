"""Fill every screening's village (0013) from its woman's, deleted screenings and history rows too.

As 0007 does for the visits: on PostgreSQL one ``UPDATE … FROM`` a table,
elsewhere by batches. Backwards there is nothing to undo: 0013's reversal drops the column.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 2000


def fill_villages(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    connection = schema_editor.connection
    for model in (apps.get_model("outreach", "Screening"), apps.get_model("outreach", "HistoricalScreening")):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} AS screening SET village_id = person.village_id "
                    f"FROM {Person._meta.db_table} AS person "
                    "WHERE person.id = screening.person_id AND screening.village_id IS NULL"
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
        ("outreach", "0013_screening_village"),
    ]

    operations = [
        migrations.RunPython(fill_villages, migrations.RunPython.noop),
    ]
