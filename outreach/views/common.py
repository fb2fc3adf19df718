"""The page classes every outreach record shares, and the helper that builds its seven URLs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from federation.core.scoping import TOWNSHIP_RECORDS
from federation.core.services import StaleRecordError, domain_record_save
from federation.web.generic import (  # noqa: F401 (int_param, year_param, year_choices are used from here)
    DomainCreateView,
    DomainDeletedListView,
    DomainDeleteView,
    DomainDetailView,
    DomainListView,
    DomainRestoreView,
    DomainUpdateView,
    int_param,
    year_choices,
    year_param,
)


def safe_next(request) -> str | None:
    """Return the ``next`` parameter when it points inside this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


def writes_village_records_only(user) -> bool:
    """Return True for a user who writes no township-level record (a village's director)."""
    return not user.has_perm(TOWNSHIP_RECORDS)


class ExtraPermissionMixin:
    """Require ``extra_permissions`` on top of the model permission of the generic view."""

    extra_permissions: tuple[str, ...] = ()

    def get_permission_required(self):
        return [*super().get_permission_required(), *self.extra_permissions]


class OutreachListView(ExtraPermissionMixin, DomainListView):
    """A list with a search box and a year filter; ``select`` returns the rows (a selector)."""

    template_name = "federation/domain_list.html"
    search_placeholder = _("姓名")
    select = None  # a selector taking user, search, year

    def get_queryset(self):
        return type(self).select(
            user=self.request.user, search=self.request.GET.get("q", ""), year=year_param(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = year_param(self.request)
        context.update(search=self.request.GET.get("q", ""), year=year, years=year_choices(year))
        return context


class OutreachDetailView(ExtraPermissionMixin, DomainDetailView):
    """A record's page; edit and delete are offered only where the user may change the record."""

    template_name = "federation/domain_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_verbose_name"] = self.model._meta.verbose_name
        editable = self.model.objects.editable_by(self.request.user).filter(pk=self.object.pk).exists()
        context["can_change"] = context["can_change"] and editable
        context["can_delete"] = context["can_delete"] and editable
        return context


class OutreachFormMixin:
    """Fill and hide one-choice fields; save through ``domain_record_save``; honour ``?next=``.

    ``hidden_when_single`` names the choice fields (village, township) that are filled in and
    hidden when the user's scope offers exactly one row; ``required_for_director`` those a
    village director must fill (she writes village records only).
    """

    template_name = "outreach/form.html"
    create_title: str | None = None  # the heading of a new record's form; "登记<model>" when None
    hidden_when_single: tuple[str, ...] = ("village", "township")
    required_for_director: tuple[str, ...] = ("village",)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        director = writes_village_records_only(self.request.user)
        for name in self.hidden_when_single:
            field = form.fields.get(name)
            if field is None:
                continue
            if director and name in self.required_for_director:
                field.required = True
            options = list(field.queryset[:2])
            if len(options) == 1 and (field.required or director or name == "township"):
                field.initial = options[0].pk
                field.widget = forms.HiddenInput()
                if not form.is_bound and form.instance.pk is None:
                    form.initial[name] = options[0].pk
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = safe_next(self.request)
        name = self.model._meta.verbose_name
        context["create_title"] = self.create_title or _("登记%(name)s") % {"name": name}
        return context

    def save_record(self, form, original):
        """Save the form's record through the service; return it."""
        record = domain_record_save(
            user=self.request.user,
            instance=form.save(commit=False),
            expected_version=form.cleaned_data.get("version"),
            original=original,
        )
        form.save_m2m()
        return record

    def form_valid(self, form):
        stored = type(form.instance).all_objects.filter(pk=form.instance.pk).first()
        try:
            self.object = self.save_record(form, self._as_opened(form, stored))
        except StaleRecordError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, stale_changes=exc.changes))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return HttpResponseRedirect(safe_next(self.request) or self.object.get_absolute_url())


class OutreachCreateView(ExtraPermissionMixin, OutreachFormMixin, DomainCreateView):
    """A new record; ``?person=``, ``?team=``, ``?year=`` preselect those fields."""

    initial_params = ("person", "team", "year", "village")

    def get_initial(self):
        initial = super().get_initial()
        for name in self.initial_params:
            value = int_param(self.request, name)
            if value:
                initial[name] = value
        return initial


class OutreachUpdateView(ExtraPermissionMixin, OutreachFormMixin, DomainUpdateView):
    """Edit a record the user may change; any other answers 404."""

    def get_queryset(self):
        return self.model.objects.editable_by(self.request.user)


class OutreachDeleteView(ExtraPermissionMixin, DomainDeleteView):
    """Confirm, then soft-delete a record the user may change; any other answers 404."""

    def get_queryset(self):
        return self.model.objects.editable_by(self.request.user)


class OutreachDeletedListView(ExtraPermissionMixin, DomainDeletedListView):
    template_name = "outreach/deleted_list.html"


class OutreachRestoreView(ExtraPermissionMixin, DomainRestoreView):
    pass


def crud_urls(
    model,
    form_class,
    *,
    prefix: str,
    list_view=OutreachListView,
    detail_view=OutreachDetailView,
    create_view=OutreachCreateView,
    update_view=OutreachUpdateView,
    attrs: dict | None = None,
    list_attrs: dict | None = None,
):
    """Return the seven URL patterns of a record: list, new, deleted, detail, edit, delete, restore.

    ``attrs`` go to every view (``extra_permissions`` for instance), ``list_attrs`` to the list.
    """
    name = model._meta.model_name
    common = {"model": model, **(attrs or {})}

    def view(base, suffix, **more):
        return type(f"{model.__name__}{suffix}", (base,), {**common, **more}).as_view()

    return [
        path(f"{prefix}/", view(list_view, "List", **(list_attrs or {})), name=f"{name}_list"),
        path(f"{prefix}/new/", view(create_view, "Create", form_class=form_class), name=f"{name}_create"),
        path(f"{prefix}/deleted/", view(OutreachDeletedListView, "Deleted"), name=f"{name}_deleted"),
        path(f"{prefix}/<int:pk>/", view(detail_view, "Detail"), name=f"{name}_detail"),
        path(
            f"{prefix}/<int:pk>/edit/",
            view(update_view, "Update", form_class=form_class),
            name=f"{name}_update",
        ),
        path(f"{prefix}/<int:pk>/delete/", view(OutreachDeleteView, "Delete"), name=f"{name}_delete"),
        path(f"{prefix}/<int:pk>/restore/", view(OutreachRestoreView, "Restore"), name=f"{name}_restore"),
    ]
