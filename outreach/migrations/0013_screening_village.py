"""Every screening keeps its woman's village (``registry.models.PersonsVillage``), as the visits do
(0006): the column, empty until 0014 fills it and 0015 requires it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('federation', '0017_township_figures'),
        ('outreach', '0012_honours'),
    ]

    operations = [
        migrations.AddField(
            model_name='screening',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalscreening',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
    ]
