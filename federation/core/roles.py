"""The five roles of DESIGN.md and what each may do.

Which rows a user sees is decided elsewhere (``federation.core.scoping``); this module only says which
actions a role may take. Each role is a Django group whose permissions are synchronised from
``role_permissions()`` by a migration and after every ``migrate``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from federation.core.labels import DIRECTOR
from federation.core.registries import Registry


class Role(models.TextChoices):
    VILLAGE_DIRECTOR = "village_director", DIRECTOR
    TOWNSHIP_STAFF = "township_staff", _("乡镇妇联干部")
    TOWNSHIP_CHAIR = "township_chair", _("乡镇妇联主席")
    COUNTY_VIEWER = "county_viewer", _("县妇联")
    ADMINISTRATOR = "administrator", _("系统管理员")


class Level(models.TextChoices):
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


#: The org-unit level a membership of each role is attached to.
ROLE_LEVEL: dict[str, str] = {
    Role.VILLAGE_DIRECTOR: Level.VILLAGE,
    Role.TOWNSHIP_STAFF: Level.TOWNSHIP,
    Role.TOWNSHIP_CHAIR: Level.TOWNSHIP,
    Role.COUNTY_VIEWER: Level.COUNTY,
    Role.ADMINISTRATOR: Level.COUNTY,
}

#: Roles that work in Django's admin (scoped like every other screen).
STAFF_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.TOWNSHIP_CHAIR, Role.ADMINISTRATOR})


def crud(*labels: str) -> list[str]:
    """Return the view, add, change and delete permissions of models given as "app.model"."""
    perms = []
    for label in labels:
        app, model = label.split(".")
        perms += [f"{app}.{action}_{model}" for action in ("view", "add", "change", "delete")]
    return perms


def view(*labels: str) -> list[str]:
    """Return the view permissions of models given as "app.model"."""
    return [f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in labels]


_TOWNSHIP = [
    "federation.view_full_id_number",
    "federation.move_between_villages",
    "federation.restore_deleted",
    "federation.change_township_records",
    "federation.view_village",
    "federation.view_villagegroup",
]
_CORE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_DIRECTOR: ["federation.view_full_id_number"],
    Role.TOWNSHIP_STAFF: _TOWNSHIP,
    Role.TOWNSHIP_CHAIR: _TOWNSHIP,
    Role.COUNTY_VIEWER: [],
    Role.ADMINISTRATOR: [],
}

#: What each app (or register declaration) lets each role do: key -> {role: ["app.codename", ...]}.
#: Apps add theirs from the modules their ``AppConfig.ready()`` imports (``<app>/permissions.py``).
role_grants: Registry[dict[str, list[str]]] = Registry("role grant")
role_grants.add("federation", _CORE_PERMISSIONS)


def grant(key: str, permissions: dict[str, list[str]]) -> None:
    """Add what ``key`` (an app or a register) lets each role do to the roles' permission groups."""
    role_grants.add(key, permissions)


def role_permissions() -> dict[str, list[str]]:
    """Return the permissions of each role, as "app_label.codename", from every grant (no repeats).

    The administrator is a superuser and needs none.
    """
    merged: dict[str, list[str]] = {role: [] for role in Role.values}
    for permissions in role_grants:
        for role, perms in permissions.items():
            merged[role] += [perm for perm in perms if perm not in merged[role]]
    return merged


def sync_role_groups(apps=None) -> None:
    """Create one group per role and give it exactly the permissions of ``role_permissions()``.

    ``apps`` is the migration state when called from a migration, else the live registry.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Every permission read in one query (this runs after each migrate, and after each flush of a test).
    by_name: dict[str, list] = {}
    for permission in Permission.objects.select_related("content_type"):
        name = f"{permission.content_type.app_label}.{permission.codename}"
        by_name.setdefault(name, []).append(permission)
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set([permission for perm in perms for permission in by_name.get(perm, [])])


def group_name(role: str) -> str:
    """Return the name of the auth group that carries a role's permissions."""
    return f"role:{role}"
