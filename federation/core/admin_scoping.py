"""The admin goes through the same scoping rule, services and version check as every other screen.

- Rows, choices, sidebar filters and history pages are limited to the user's scope
  (:class:`ScopedAdmin`, :class:`ScopedRelatedFieldListFilter`); an id outside it answers 404, and so
  does the view-on-site link (:func:`view_on_site`).
- Saves and deletes go through the services (:class:`ServiceSavesMixin`): the change form carries
  the version it was opened at and a stale save is refused with what changed; a domain record is
  deleted softly, by one record or by "delete selected", and its confirmation page says so.
- Deleted records (the list's 已删除的记录 filter, for the roles that restore) can be restored
  there; only the administrator may purge them for good, with a reason, recorded
  (``federation.core.services.domain_records_purge``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import get_deleted_objects, get_fields_from_path
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from federation.core import history
from federation.core.admin_access import RecordsAdminReadMixin
from federation.core.forms import VersionedModelForm
from federation.core.models import DomainModel
from federation.core.scoping import require_in_scope, sees_everything
from federation.core.services import (
    domain_record_delete,
    domain_record_restore,
    domain_record_save,
    domain_records_purge,
)

#: The reason the history gives for a change made in the admin.
ADMIN = gettext_lazy("管理后台")
#: The permission to see deleted records and restore them (the township roles; the administrator).
RESTORE = "federation.restore_deleted"
#: The changelist parameter of the deleted records (``?deleted=1``).
DELETED = "deleted"
#: The confirmation pages of a soft delete: one record, and "delete selected".
SOFT_DELETE_TEMPLATES = (
    "admin/federation/soft_delete_confirmation.html",
    "admin/federation/soft_delete_selected_confirmation.html",
)


def _is_domain(model) -> bool:
    return isinstance(model, type) and issubclass(model, DomainModel)


def scoped(queryset, user):
    """Return ``queryset`` limited to what ``user`` sees; a model with no scope: the administrator only."""
    if hasattr(queryset, "for_user"):
        return queryset.for_user(user)
    return queryset if sees_everything(user) else queryset.none()


# -- the version a change form was opened at ---------------------------------------------------------


class AdminVersionedForm(VersionedModelForm):
    """The admin's form of a domain record: a save of a record changed since it was opened is refused.

    The admin validates inside its transaction, so the check locks the row until the save that
    follows; the form then shows what the other person changed.
    """

    lock_stored_row = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None):
            # The history's revert form shows a past state over the current one: it is opened at the
            # current version (a save by someone after it was opened is refused as any other).
            stored = type(self.instance).all_objects.filter(pk=self.instance.pk)
            self.fields["version"].initial = stored.values_list("version", flat=True).first()


class VersionedAdminMixin:
    """A ModelAdmin or inline of a domain record whose forms carry the record's version (hidden)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _is_domain(self.model) and not issubclass(self.form, AdminVersionedForm):
            base = self.form
            self.form = (
                AdminVersionedForm
                if base is forms.ModelForm
                else type(f"Versioned{base.__name__}", (AdminVersionedForm, base), {})
            )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not _is_domain(self.model):
            return fields
        editable = self.has_change_permission(request, obj) or (obj is None and self._may_add(request))
        if editable and "version" not in fields:
            fields.append("version")
        if not editable and "version" in fields:
            fields.remove("version")
        return fields

    def _may_add(self, request) -> bool:
        if isinstance(self, InlineModelAdmin):
            return self.has_add_permission(request, None)
        return self.has_add_permission(request)

    def get_exclude(self, request, obj=None):
        """Return the excluded fields: ``version`` is the form's own field, not the model's (not editable)."""
        exclude = super().get_exclude(request, obj)
        if not _is_domain(self.model):
            return exclude
        return [*(exclude or ()), "version"]


# -- saves, soft deletes, restore and purge ----------------------------------------------------------


class DeletedFilter(admin.SimpleListFilter):
    """The records in use, or the deleted ones (for the roles that restore; the administrator purges)."""

    title = gettext_lazy("删除状态")
    parameter_name = DELETED

    def lookups(self, request, model_admin):
        return [("1", _("已删除的记录"))]

    def queryset(self, request, queryset):
        return queryset  # ``ServiceSavesMixin.get_queryset`` chose the rows: deleted ones or those in use

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("在用的记录"),
        }
        yield {
            "selected": self.value() == "1",
            "query_string": changelist.get_query_string({self.parameter_name: "1"}),
            "display": _("已删除的记录"),
        }


class ServiceSavesMixin(VersionedAdminMixin):
    """Admin saves and deletes through the services: scope checked, version checked and raised,
    history naming the user; a domain record is deleted softly (the township can restore it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _is_domain(self.model):
            self.delete_confirmation_template = SOFT_DELETE_TEMPLATES[0]
            self.delete_selected_confirmation_template = SOFT_DELETE_TEMPLATES[1]

    def save_model(self, request, obj, form, change):
        self.write(request, obj, expected_version=form.cleaned_data.get("version") if change else None)

    def save_formset(self, request, form, formset, change):
        opened_at = {
            id(f.instance): f.cleaned_data.get("version")
            for f in formset.forms
            if f.instance.pk is not None and getattr(f, "cleaned_data", None)
        }
        for obj in formset.save(commit=False):
            self.write(request, obj, expected_version=opened_at.get(id(obj)))
        for obj in formset.deleted_objects:
            self.write(request, obj, delete=True)
        formset.save_m2m()

    def delete_model(self, request, obj):
        self.write(request, obj, delete=True)

    @staticmethod
    def write(request, obj, *, delete: bool = False, expected_version: int | None = None) -> None:
        """Save (or delete) one record of the admin, the page's or an inline's, through the services;
        a domain record is deleted softly, and saved only if it is still at ``expected_version``."""
        if isinstance(obj, DomainModel):
            if delete:
                domain_record_delete(user=request.user, instance=obj, reason=ADMIN)
            else:
                domain_record_save(
                    user=request.user, instance=obj, expected_version=expected_version, reason=ADMIN
                )
            return
        require_in_scope(request.user, obj)
        if delete:
            history.attribute(obj, actor=request.user, reason=ADMIN)
            obj.delete()
        else:
            history.save(obj, actor=request.user, reason=ADMIN)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except ValidationError as exc:  # a record that refuses deletion now (``check_delete``)
                self.message_user(request, f"“{obj}”：{'；'.join(exc.messages)}", messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        """Return False also for a record that refuses deletion now (an entry of a closed year, 归档)."""
        if isinstance(obj, DomainModel):
            try:
                obj.check_delete()
            except ValidationError:
                return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Return what a soft delete removes from the lists: the records themselves, nothing with them."""
        if not _is_domain(self.model):
            return super().get_deleted_objects(objs, request)
        objs = list(objs)
        shown = [self._link(obj) for obj in objs]
        return shown, {self.model._meta.verbose_name_plural: len(objs)}, set(), []

    def _link(self, obj):
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return f"{opts.verbose_name}：{obj}"
        return format_html('{}：<a href="{}">{}</a>', opts.verbose_name, url, obj)

    # The deleted records: a filter of the list, for the roles that restore (and the administrator).

    def may_see_deleted(self, request) -> bool:
        """Return whether the user may list this model's deleted records (to restore or purge them)."""
        return _is_domain(self.model) and request.user.has_perm(RESTORE)

    def showing_deleted(self, request) -> bool:
        """Return whether this request is the list of deleted records (``?deleted=1`` on the list)."""
        match = getattr(request, "resolver_match", None)
        opts = self.model._meta
        return (
            request.GET.get(DELETED) == "1"
            and match is not None
            and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist"
            and self.may_see_deleted(request)
        )

    def get_queryset(self, request):
        if self.showing_deleted(request):
            queryset = self.model.all_objects.deleted()
            ordering = self.get_ordering(request)
            return queryset.order_by(*ordering) if ordering else queryset
        return super().get_queryset(request)

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if self.may_see_deleted(request):
            list_filter.append(DeletedFilter)
        return list_filter

    def get_list_display_links(self, request, list_display):
        """Return no links on the deleted records (a deleted record has no change page)."""
        if self.showing_deleted(request):
            return None
        return super().get_list_display_links(request, list_display)

    def get_actions(self, request):
        """Return restore (and, for the administrator, purge) on the deleted records; else the usual."""
        if not self.showing_deleted(request):
            return super().get_actions(request)
        names = ["restore_deleted"] + (["purge_deleted"] if request.user.is_superuser else [])
        return {name: self.get_action(name) for name in names}

    @admin.action(description=gettext_lazy("恢复所选的记录"))
    def restore_deleted(self, request, queryset):
        restored, refused = 0, []
        for obj in queryset:
            try:
                domain_record_restore(user=request.user, instance=obj)
            except (ValidationError, PermissionDenied) as exc:
                reasons = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                refused.append(_("“%(obj)s”不能恢复：%(reasons)s") % {"obj": obj, "reasons": reasons})
            else:
                restored += 1
        if restored:
            self.message_user(request, _("已恢复 %(count)d 条记录。") % {"count": restored}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=gettext_lazy("彻底删除所选的记录（不能恢复）"))
    def purge_deleted(self, request, queryset):
        """Ask for a reason, then delete the chosen deleted records for good (the administrator only)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        records = list(queryset)
        reason = request.POST.get("reason", "")
        error = None
        if request.POST.get("post") == "yes":
            try:
                purged = domain_records_purge(user=request.user, records=records, reason=reason)
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                self.message_user(
                    request,
                    _("已彻底删除 %(count)d 条记录（连同其历史），操作人、时间和原因已记录。")
                    % {"count": len(purged)},
                    messages.SUCCESS,
                )
                return None
        to_delete, model_count, _perms, protected = get_deleted_objects(records, request, self.admin_site)
        context = {
            **self.admin_site.each_context(request),
            "title": _("彻底删除已删除的记录"),
            "subtitle": None,
            "opts": self.model._meta,
            "queryset": records,
            "deletable_objects": [to_delete],
            "model_count": dict(model_count).items(),
            "protected": protected,
            "reason": reason,
            "error": error,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/federation/purge_confirmation.html", context)


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


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A sidebar filter on a relation (村, 乡镇, 队…) that offers only the rows the user sees."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped(field.related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        to_field = field.remote_field.field_name if hasattr(field.remote_field, "field_name") else "pk"
        return [(getattr(obj, to_field), str(obj)) for obj in queryset]


def scoped_list_filter(model, item):
    """Return ``item`` of a ``list_filter``, a relation's filter replaced by the scoped one."""
    if not isinstance(item, str):
        return item
    try:
        field = get_fields_from_path(model, item)[-1]
    except FieldDoesNotExist:
        return item
    if field.is_relation and field.related_model is not None:
        return item, ScopedRelatedFieldListFilter
    return item


def view_on_site(request, content_type_id, object_id):
    """Send the user to the page of a record she sees; any other id answers 404, existing or not.

    The admin's 在网站上查看 link; Django's own would redirect to a record outside the scope
    (whose page then refuses it), telling that it exists.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not hasattr(model, "get_absolute_url"):
        raise Http404
    try:
        obj = scoped(model._default_manager.all(), request.user).filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    if obj is None:
        raise Http404
    return HttpResponseRedirect(obj.get_absolute_url())


class HistoriedAdmin(ServiceSavesMixin, SimpleHistoryAdmin):
    """An admin of a model with history, saving through the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The history's revert form, in one transaction as the change form (its version check locks)."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedAdmin(RecordsAdminReadMixin, HistoriedAdmin):
    """A ModelAdmin whose rows, choices, filters and history pages are limited to the user's scope.

    ``get_object`` goes through ``get_queryset``, so an id outside the scope answers 404. The
    history pages are checked too: django-simple-history would otherwise show the history of a
    row the queryset hides.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_list_filter(self, request):
        return [scoped_list_filter(self.model, item) for item in super().get_list_filter(request)]

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


class ScopedTabularInline(VersionedAdminMixin, admin.TabularInline):
    """An inline whose rows and choices are the user's scope; a domain record's rows carry their version."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)
