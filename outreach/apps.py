from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "走访与服务"

    def ready(self) -> None:
        from outreach import contributions  # noqa: F401 - adds what outreach contributes to the registries
