"""Every visit's village (filled by 0007) is required, and a village's visits are read in date order
from one index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0007_visit_village_fill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='visit',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'visited_on', 'id'], name='visit_village_date'),
        ),
    ]
