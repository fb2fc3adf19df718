from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from federation.core.roles import sync_role_groups

    sync_role_groups()


class CoreConfig(AppConfig):
    """The organisation core: org tree, memberships, roles, scoping, history. Its label stays "federation"."""

    name = "federation.core"
    label = "federation"
    verbose_name = "组织与权限"

    def ready(self) -> None:
        # Keep role groups in step with role_permissions() when later migrations add models.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="federation_sync_roles")
        # The installation's deployment checks (no demo password, no demo database served to others).
        from federation.core import checks  # noqa: F401
