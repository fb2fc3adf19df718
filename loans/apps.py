from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "loans"
    verbose_name = "小额贷款"

    def ready(self) -> None:
        from loans import contributions  # noqa: F401 - adds what loans contributes to the registries
