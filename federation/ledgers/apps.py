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
        # Year-end snapshots (归档): the township roles close and reopen a year, everyone reads them.
        township = ["ledgers.view_ledgerarchive", "ledgers.close_ledgerarchive"]
        grant(
            "ledgers.archives",
            {
                Role.VILLAGE_DIRECTOR: ["ledgers.view_ledgerarchive"],
                Role.TOWNSHIP_STAFF: township,
                Role.TOWNSHIP_CHAIR: township,
                Role.COUNTY_VIEWER: ["ledgers.view_ledgerarchive"],
            },
        )
