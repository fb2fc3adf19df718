"""The admin goes through the same scoping rule as every other screen."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ScopedAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose rows, choices and history pages are limited to the user's scope.

    ``get_object`` goes through ``get_queryset``, so an id outside the scope answers 404. The
    history pages are checked too: django-simple-history would otherwise show the history of a
    row the queryset hides.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "for_user"):
            field.queryset = field.queryset.for_user(request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "for_user"):
            field.queryset = field.queryset.for_user(request.user)
        return field

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Answer 404, as every other screen does, for an id outside the scope."""
        raise Http404

    def _require_in_scope(self, request, object_id) -> None:
        manager = getattr(self.model, "all_objects", self.model._default_manager)
        if not manager.for_user(request.user).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedTabularInline(admin.TabularInline):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "for_user"):
            field.queryset = field.queryset.for_user(request.user)
        return field
