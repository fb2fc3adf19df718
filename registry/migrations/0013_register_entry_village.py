"""Every register entry keeps its person's village (``RegisterEntry.fill_derived``): the column, empty
until 0013 fills it and 0014 requires it."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0012_person_search_index'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='hardshipchild',
            options={'ordering': ['village_id', 'person__group_number', 'person__name'], 'verbose_name': '特殊困难儿童', 'verbose_name_plural': '特殊困难儿童'},
        ),
        migrations.AlterModelOptions(
            name='leftbehindchild',
            options={'ordering': ['village_id', 'person__group_number', 'person__name'], 'verbose_name': '留守儿童', 'verbose_name_plural': '留守儿童'},
        ),
        migrations.AlterModelOptions(
            name='leftbehindwoman',
            options={'ordering': ['village_id', 'person__group_number', 'person__name'], 'verbose_name': '农村留守妇女', 'verbose_name_plural': '农村留守妇女'},
        ),
        migrations.AlterModelOptions(
            name='poorwoman',
            options={'ordering': ['village_id', 'person__group_number', 'person__name'], 'verbose_name': '农村贫困妇女', 'verbose_name_plural': '农村贫困妇女'},
        ),
        migrations.AddField(
            model_name='hardshipchild',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalhardshipchild',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='leftbehindchild',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalleftbehindchild',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='leftbehindwoman',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalleftbehindwoman',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='poorwoman',
            name='village',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村'),
        ),
        migrations.AddField(
            model_name='historicalpoorwoman',
            name='village',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='federation.village', verbose_name='村'),
        ),
    ]
