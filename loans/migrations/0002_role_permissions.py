from django.db import migrations


def sync_roles(apps, schema_editor):
    from federation.core.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the role groups their permissions on the microloans (loans/permissions.py)."""

    dependencies = [("loans", "0001_microloans"), ("federation", "0002_role_groups")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
