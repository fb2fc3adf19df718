from django.apps import AppConfig


class LedgersConfig(AppConfig):
    """The ledger framework: county-format ledgers out (Excel, PDF) and in (Excel imports)."""

    name = "federation.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"

    def ready(self) -> None:
        from federation.core.roles import Role, grant

        # The township chair reads every import of her township in the history, not only her own.
        grant("ledgers", {Role.TOWNSHIP_CHAIR: ["ledgers.view_every_import"]})
