from django.apps import AppConfig


class LedgersConfig(AppConfig):
    """The ledger framework: county-format ledgers out (Excel, PDF) and in (Excel imports)."""

    name = "federation.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"
