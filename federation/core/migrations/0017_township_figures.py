"""Kept figures of a township (the sum of its villages', ``federation.core.figures.township_values``): the
county's pages read 20 townships' rows instead of 500 villages'."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('federation', '0016_access_log_crosschecks'),
    ]

    operations = [
        migrations.AddField(
            model_name='storedfigure',
            name='township',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='federation.township'),
        ),
        migrations.AlterField(
            model_name='storedfigure',
            name='village',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='federation.village'),
        ),
        migrations.AddConstraint(
            model_name='storedfigure',
            constraint=models.UniqueConstraint(fields=('township', 'key'), name='stored_figure_township_unique'),
        ),
        migrations.AddConstraint(
            model_name='storedfigure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('township__isnull', True), ('village__isnull', False)), models.Q(('township__isnull', False), ('village__isnull', True)), _connector='OR'), name='stored_figure_of_one_unit'),
        ),
    ]
