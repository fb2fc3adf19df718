from django.db import migrations


def sync_roles(apps, schema_editor):
    from federation.core.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Give the role groups their permissions on outreach (see outreach/permissions.py)."""

    dependencies = [("outreach", "0001_initial"), ("registry", "0003_role_permissions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
