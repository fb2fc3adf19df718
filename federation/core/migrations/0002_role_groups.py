from django.db import migrations


def create_role_groups(apps, schema_editor):
    from federation.core.roles import sync_role_groups

    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    from federation.core.roles import Role, group_name

    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[group_name(role) for role in Role.values]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0001_initial"),
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
