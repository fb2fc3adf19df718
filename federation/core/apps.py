from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from federation.core.roles import sync_role_groups

    sync_role_groups()


def _schedule_daily_tasks(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django_q.models import Schedule

    from federation.core.access import schedule_pruning
    from federation.core.figures import schedule_refresh
    from federation.core.reminders import schedule_reminders

    if Schedule._meta.db_table in connections[using].introspection.table_names():
        schedule_pruning()
        schedule_refresh()
        schedule_reminders()


class CoreConfig(AppConfig):
    """The organisation core: org tree, memberships, roles, scoping, history. Its label stays "federation"."""

    name = "federation.core"
    label = "federation"
    verbose_name = "组织与权限"

    def ready(self) -> None:
        # Keep role groups in step with role_permissions() when later migrations add models.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="federation_sync_roles")
        # The installation's deployment checks (no demo password, no demo database served to others).
        # The access log: its search permission granted; its daily pruning, the figures' nightly
        # refresh and the daily reminders (federation.core.reminders) scheduled.
        from federation.core import (
            access,  # noqa: F401
            checks,  # noqa: F401
            figures,
        )

        # The figures kept for the pages of many villages are forgotten when a village's records change.
        figures.connect()

        post_migrate.connect(_schedule_daily_tasks, sender=self, dispatch_uid="federation_daily_tasks")
