from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "台账"

    def ready(self) -> None:
        import registry.demo_aid  # noqa: F401 - the demo's aid programmes and pairings
        from registry import contributions  # noqa: F401 - adds what registry contributes to the registries
