"""Generic views of a domain record; each goes through the scope, a role permission and a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import generic

from federation.core.mixins import ScopedFormMixin, ScopedViewMixin
from federation.core.services import (
    StaleRecordError,
    domain_record_delete,
    domain_record_restore,
    domain_record_save,
)


def int_param(request, name: str) -> int | None:
    """Return the query parameter ``name`` as a positive integer, or None."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def year_param(request) -> int:
    """Return the ``year`` query parameter, this year when absent or absurd."""
    year = int_param(request, "year")
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


def year_choices(selected: int | None = None) -> list[int]:
    """Return the years offered in filters: next year down to five years back, and ``selected``.

    An older year asked for in the address (a register imported from 2014) stays selectable.
    """
    this_year = timezone.localdate().year
    years = list(range(this_year + 1, this_year - 6, -1))
    if selected is not None and selected not in years:
        years = sorted({*years, selected}, reverse=True)
    return years


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class UrlNamesMixin:
    """URL names of a record's pages: ``app:<prefix>_list``, ``app:<prefix>_detail``…

    The prefix is the register's name for the pages a declaration makes, else the model's name.
    """

    #: The declaration whose pages these are (``federation.web.registers``), if any.
    register = None
    url_prefix: str | None = None

    def _url_name(self, page: str) -> str:
        if self.register is not None:
            return self.register.url_name(page)
        return f"{self.model._meta.app_label}:{self.url_prefix or self.model._meta.model_name}_{page}"

    @property
    def list_url_name(self) -> str:
        return self._url_name("list")

    @property
    def create_url_name(self) -> str:
        return self._url_name("create")

    @property
    def update_url_name(self) -> str:
        return self._url_name("update")

    @property
    def delete_url_name(self) -> str:
        return self._url_name("delete")

    @property
    def deleted_url_name(self) -> str:
        return self._url_name("deleted")

    @property
    def restore_url_name(self) -> str:
        return self._url_name("restore")


class DomainListView(UrlNamesMixin, ScopedViewMixin, generic.ListView):
    """A list of records: 50 a page, through the scope; ``columns`` are (label, dotted path)."""

    paginate_by = 50
    columns: list[tuple[str, str]] = []
    search_placeholder = _lazy("姓名、身份证号或后四位")

    def get_permission_required(self):
        return [_perm(self.model, "view")]

    @property
    def title(self) -> str:
        return self.model._meta.verbose_name_plural

    @property
    def add_label(self) -> str:
        return _("登记") + str(self.model._meta.verbose_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm(_perm(self.model, "add"))
        context["can_restore"] = user.has_perm("federation.restore_deleted") and hasattr(
            self.model, "all_objects"
        )
        return context


class DomainDetailView(UrlNamesMixin, ScopedViewMixin, generic.DetailView):
    def get_permission_required(self):
        return [_perm(self.model, "view")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["model_verbose_name"] = self.model._meta.verbose_name
        context["can_change"] = user.has_perm(_perm(self.model, "change"))
        context["can_delete"] = user.has_perm(_perm(self.model, "delete"))
        return context


class DomainFormMixin(ScopedFormMixin):
    """Save through ``domain_record_save``: full validation and no silent overwrite."""

    template_name = "federation/domain_form.html"

    def form_valid(self, form):
        original = type(form.instance).all_objects.filter(pk=form.instance.pk).first()
        try:
            self.object = domain_record_save(
                user=self.request.user,
                instance=form.save(commit=False),
                expected_version=form.cleaned_data.get("version"),
                original=self._as_opened(form, original),
            )
        except StaleRecordError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, stale_changes=exc.changes))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        form.save_m2m()
        messages.success(self.request, _("已保存。"))
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_verbose_name=self.model._meta.verbose_name, **kwargs)

    def _as_opened(self, form, stored):
        """Return the record as the editor opened it: the stored row's history at her version."""
        version = form.cleaned_data.get("version")
        if stored is None or version is None:
            return stored
        past = stored.history.filter(version=version).order_by("-history_date").first()
        return past.instance if past is not None else stored

    def get_success_url(self):
        return self.object.get_absolute_url()


class DomainCreateView(UrlNamesMixin, ScopedViewMixin, DomainFormMixin, generic.CreateView):
    def get_permission_required(self):
        return [_perm(self.model, "add")]


class DomainUpdateView(UrlNamesMixin, ScopedViewMixin, DomainFormMixin, generic.UpdateView):
    def get_permission_required(self):
        return [_perm(self.model, "change")]


class DomainDeleteView(UrlNamesMixin, ScopedViewMixin, generic.DetailView):
    """GET asks for confirmation; POST soft-deletes."""

    template_name = "federation/domain_confirm_delete.html"

    def get_permission_required(self):
        return [_perm(self.model, "delete")]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        domain_record_delete(user=request.user, instance=self.object)
        messages.success(request, _("“%(obj)s”已删除；乡镇妇联可以恢复。") % {"obj": self.object})
        return HttpResponseRedirect(reverse(self.list_url_name))


class DomainRestoreView(UrlNamesMixin, ScopedViewMixin, generic.DetailView):
    """POST only: bring back a soft-deleted record (township roles)."""

    http_method_names = ["post"]
    permission_required = "federation.restore_deleted"

    def get_queryset(self):
        return self.model.all_objects.deleted().for_user(self.request.user)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            domain_record_restore(user=request.user, instance=self.object)
        except ValidationError as exc:
            reasons = "；".join(exc.messages)
            messages.error(
                request, _("“%(obj)s”不能恢复：%(reasons)s") % {"obj": self.object, "reasons": reasons}
            )
            return HttpResponseRedirect(reverse(self.deleted_url_name))
        messages.success(request, _("“%(obj)s”已恢复。") % {"obj": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class DomainDeletedListView(DomainListView):
    """The township's list of deleted records, to restore."""

    template_name = "federation/domain_deleted_list.html"
    permission_required = "federation.restore_deleted"

    def get_permission_required(self):
        return [self.permission_required]

    def get_queryset(self):
        return self.model.all_objects.deleted().for_user(self.request.user).order_by("-deleted_at")
