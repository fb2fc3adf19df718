"""Every register entry keeps its person's name (``RegisterEntry.fill_derived``, ``names_follow``): a list
searched beyond a village for one character reads the scope's entries of the year instead of every
person of the county. The column, filled here for every entry (deleted ones too); the history rows
do not keep it (``DomainModel.history``).

On PostgreSQL one ``UPDATE … FROM`` a register (a county's entries in seconds); elsewhere by batches
of entries, each one ``UPDATE`` with the person's name as a subquery. Backwards nothing is undone:
removing the column is.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

REGISTERS = ("leftbehindchild", "hardshipchild", "leftbehindwoman", "poorwoman")
BATCH = 2000


def fill_names(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    connection = schema_editor.connection
    for name in REGISTERS:
        model = apps.get_model("registry", name)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} AS entry SET person_name = person.name "
                    f"FROM {Person._meta.db_table} AS person WHERE person.id = entry.person_id"
                )
            continue
        person_name = Person._base_manager.filter(pk=OuterRef("person_id")).values("name")[:1]
        keys = model._base_manager.order_by("pk").values_list("pk", flat=True)
        last = 0
        while batch := list(keys.filter(pk__gt=last)[:BATCH]):
            model._base_manager.filter(pk__in=batch).update(person_name=Subquery(person_name))
            last = batch[-1]


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0020_aid_programmes'),
    ]

    operations = [
        migrations.AddField(
            model_name='hardshipchild',
            name='person_name',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='姓名'),
        ),
        migrations.AddField(
            model_name='leftbehindchild',
            name='person_name',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='姓名'),
        ),
        migrations.AddField(
            model_name='leftbehindwoman',
            name='person_name',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='姓名'),
        ),
        migrations.AddField(
            model_name='poorwoman',
            name='person_name',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='姓名'),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
