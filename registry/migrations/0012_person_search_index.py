"""Indexes of the header's search (registry.selectors.search_everywhere): a person by her phone, a
household by its 户号, across a whole county. The name has its trigram index (0009) and the last
4 characters of the ID number theirs (``id_last4``, 0001)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('federation', '0014_year_validators'),
        ('registry', '0011_year_validators'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['number'], name='household_number'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone'], name='person_phone'),
        ),
    ]
