"""The admin goes through the same scoping rule as every other screen."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from federation.core import history
from federation.core.admin_access import RecordsAdminReadMixin
from federation.core.models import DomainModel
from federation.core.scoping import require_in_scope
from federation.core.services import domain_record_delete, domain_record_save

#: The reason the history gives for a change made in the admin.
ADMIN = _("管理后台")


class ServiceSavesMixin:
    """Admin saves and deletes through the services: scope checked, version raised, history naming
    the user; a domain record is deleted softly (the township can restore it)."""

    def save_model(self, request, obj, form, change):
        self.write(request, obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            self.write(request, obj)
        for obj in formset.deleted_objects:
            self.write(request, obj, delete=True)
        formset.save_m2m()

    def delete_model(self, request, obj):
        self.write(request, obj, delete=True)

    @staticmethod
    def write(request, obj, *, delete: bool = False) -> None:
        """Save (or delete) one record of the admin, the page's or an inline's, through the services;
        a domain record is deleted softly."""
        if isinstance(obj, DomainModel):
            service = domain_record_delete if delete else domain_record_save
            service(user=request.user, instance=obj, reason=ADMIN)
            return
        require_in_scope(request.user, obj)
        if delete:
            history.attribute(obj, actor=request.user, reason=ADMIN)
            obj.delete()
        else:
            history.save(obj, actor=request.user, reason=ADMIN)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyMixin:
    """An admin screen (or inline) that shows records and never adds, changes or deletes one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdministratorOnlyMixin(ReadOnlyMixin):
    """A read-only screen that only the administrator sees (the records of exports and imports)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


def scoped_choices(field, request):
    """Return a form field of the admin with its choices limited to the user's scope."""
    if field is not None and hasattr(field.queryset, "for_user"):
        field.queryset = field.queryset.for_user(request.user)
    return field


class HistoriedAdmin(ServiceSavesMixin, SimpleHistoryAdmin):
    """An admin of a model with history, saving through the services."""


class ScopedAdmin(RecordsAdminReadMixin, HistoriedAdmin):
    """A ModelAdmin whose rows, choices and history pages are limited to the user's scope.

    ``get_object`` goes through ``get_queryset``, so an id outside the scope answers 404. The
    history pages are checked too: django-simple-history would otherwise show the history of a
    row the queryset hides.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return scoped_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)

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
        return scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)
