from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_tables(sender, using="default", verbosity=1, **kwargs) -> None:
    """Make the tables of the caches kept in the database (the throttles' counts, settings.CACHES)
    after every ``migrate``: Django's ``createcachetable``, which makes only what is missing."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class ApiConfig(AppConfig):
    name = "federation.api"
    label = "api"
    verbose_name = "接口"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="api_cache_tables")
