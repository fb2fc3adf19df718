"""Every register entry's village (filled by 0013) is required, and a village's entries of a year are read
from one index."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0014_register_entry_village_fill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='hardshipchild',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='hardshipchild',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'year'], name='hardshipchild_village_year'),
        ),
        migrations.AlterField(
            model_name='leftbehindchild',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='leftbehindchild',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'year'], name='leftbehindchild_village_year'),
        ),
        migrations.AlterField(
            model_name='leftbehindwoman',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='leftbehindwoman',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'year'], name='leftbehindwoman_village_year'),
        ),
        migrations.AlterField(
            model_name='poorwoman',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddIndex(
            model_name='poorwoman',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['village', 'year'], name='poorwoman_village_year'),
        ),
    ]
