from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _schedule_pruning(sender, using="default", **kwargs) -> None:
    """Make sure the daily pruning of old lists is scheduled (as the core schedules its own tasks)."""
    from django.db import connections
    from django_q.models import Schedule

    from crosschecks.retention import schedule_pruning

    if Schedule._meta.db_table in connections[using].introspection.table_names():
        schedule_pruning()


class CrosschecksConfig(AppConfig):
    """比对核实: the departments' lists checked against the registers (issue 18, part 1)."""

    name = "crosschecks"
    verbose_name = "比对核实"

    def ready(self) -> None:
        from crosschecks import contributions  # noqa: F401 - menu entry, role grants

        post_migrate.connect(_schedule_pruning, sender=self, dispatch_uid="crosschecks_pruning")
