"""Every visit keeps its woman's village (``registry.models.PersonsVillage``): the column, empty until
0007 fills it and 0008 requires it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0005_year_validators'),
    ]

    operations = [
        migrations.AddField(
            model_name='visit',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalvisit',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
    ]
