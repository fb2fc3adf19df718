"""Every screening's village (filled by 0014) is required, and a village's screenings of a year are
counted and read from one index, in a paper register's order (village, group, name)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0014_screening_village_fill'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='screening',
            options={'ordering': ['-year', 'village_id', 'person__group_number', 'person__name', 'kind'], 'permissions': [('view_health_data', '查看两癌检查个人结果')], 'verbose_name': '两癌检查', 'verbose_name_plural': '两癌检查'},
        ),
        migrations.AlterField(
            model_name='screening',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='screening',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'year'], name='screening_village_year'),
        ),
    ]
