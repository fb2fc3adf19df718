"""The records of exports and imports in the admin: read only, for the administrator."""

from django.contrib import admin

from federation.core.admin_scoping import AdministratorOnlyMixin
from federation.ledgers.models import ExportRecord, ImportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """Who exported which ledger, for which scope, how many rows, when: read only, administrator only."""

    list_display = ["created_at", "requested_by", "title", "scope", "format", "rows_done", "status"]
    list_filter = ["ledger", "format", "status"]
    search_fields = ["requested_by", "title", "scope"]
    date_hierarchy = "created_at"


@admin.register(ImportRecord)
class ImportRecordAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """Who imported which file into which village, rows, result: read only, administrator only."""

    list_display = ["created_at", "requested_by", "title", "village", "file_name", "rows_total", "status"]
    list_filter = ["ledger", "status"]
    search_fields = ["requested_by", "title", "file_name", "village__name"]
    date_hierarchy = "created_at"
    list_select_related = ["village"]
