"""Generic views of a domain record; each goes through the scope, a role permission and a service."""

from __future__ import annotations

from functools import cache, cached_property, partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import path as url_path
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import generic

from federation.core import access
from federation.core.forms import add_errors
from federation.core.idnumber import is_whole_id_number
from federation.core.mixins import ScopedFormMixin, ScopedViewMixin
from federation.core.models import Township, Village, VillageGroup
from federation.core.scoping import TOWNSHIP_RECORDS
from federation.core.services import (
    StaleRecordError,
    domain_record_delete,
    domain_record_restore,
    domain_record_save,
)
from federation.web.pagination import KeysFirstPaginator
from federation.web.tables import shower_for, table_rows


def int_param(request, name: str) -> int | None:
    """Return the query parameter ``name`` as a positive integer, or None."""
    return _positive(request.GET.get(name))


def _positive(value) -> int | None:
    """Return ``value`` (a query string's text) as a positive integer, or None."""
    value = str(value or "")
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


class YearPageMixin:
    """A page of one year: ``year`` (``?year=``, this year by default) and ``years`` to choose from in
    its context, and what ``year_context(year)`` adds."""

    def years(self, year: int) -> list[int]:
        return year_choices(year)

    def year_context(self, year: int) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        year = year_param(self.request)
        return super().get_context_data(
            year=year, years=self.years(year), **self.year_context(year), **kwargs
        )


def village_path(model) -> str | None:
    """Return the lookup from ``model`` to its village (its ``scope_path``, e.g. ``person__village``),
    or None for a model that is not a village's record (a village, a township)."""
    path = getattr(model, "scope_path", None)
    return path if path and path.split("__")[-1] == "village" else None


@cache
def group_path(model, depth: int = 3) -> str | None:
    """Return the shortest lookup from ``model`` to its village group (村民小组) along foreign keys
    (``household__group`` for a person, ``person__household__group`` for a register entry), or None."""
    level = [("", model)]
    for _step in range(depth):
        following = []
        for prefix, current in level:
            for field in current._meta.get_fields():
                if not (field.many_to_one and field.concrete):
                    continue
                lookup = f"{prefix}{field.name}"
                if field.related_model is VillageGroup:
                    return lookup
                following.append((f"{lookup}__", field.related_model))
        level = following
    return None


class Places:
    """The 乡镇, 村 and 村民小组 a list is narrowed to, and the choices its filters offer.

    A user who sees one village chooses among its groups; township staff choose the village first,
    then one of its groups; the county viewer chooses the township, then one of its villages, then
    a group (a county has hundreds of villages and thousands of groups: never one long list). A
    value outside what is offered (another village's group, a village out of scope) is ignored.
    """

    def __init__(self, user, query) -> None:
        townships = list(Township.objects.for_user(user).order_by("code").only("pk", "name"))
        villages = Village.objects.for_user(user).order_by("code").only("pk", "name", "township_id")
        village_id = _positive(query.get("village"))
        township_id = _positive(query.get("township"))
        if village_id and not any(t.pk == township_id for t in townships):
            township_id = villages.filter(pk=village_id).values_list("township_id", flat=True).first()
        self.townships = townships if len(townships) > 1 else []
        self.township_id = township_id if any(t.pk == township_id for t in self.townships) else None
        if self.townships:  # the county: the villages of the chosen township only
            villages = villages.filter(township_id=self.township_id) if self.township_id else villages.none()
        self.villages = list(villages)
        #: Whether the rows may come from several villages (then the list shows each row's village).
        self.several = bool(self.townships) or len(self.villages) > 1
        self.village_id = village_id if any(v.pk == village_id for v in self.villages) else None
        groups = VillageGroup.objects.for_user(user).order_by("number")
        if self.several:
            groups = groups.filter(village_id=self.village_id) if self.village_id else groups.none()
        self.groups = list(groups)
        group_id = _positive(query.get("group"))
        self.group_id = group_id if any(g.pk == group_id for g in self.groups) else None
        if not self.several:
            self.villages = []  # one village: nothing to choose

    def narrow(self, rows):
        """Return ``rows`` (a queryset of a village's records) kept to the chosen place, with each row's
        village read with it where the list shows it; anything else as it is."""
        if not isinstance(rows, QuerySet) or rows._fields is not None:
            return rows
        path = village_path(rows.model)
        if path is None:
            return rows
        if self.group_id and (to_group := group_path(rows.model)):
            rows = rows.filter(**{f"{to_group}_id": self.group_id})
        if self.village_id:
            rows = rows.filter(**{f"{path}_id": self.village_id})
        elif self.township_id:  # by the township's villages, as the scope does: no join to sort through
            villages = Village.objects.filter(township_id=self.township_id).values("pk")
            rows = rows.filter(**{f"{path}__in": villages})
        return rows.select_related(path) if self.several else rows

    def context(self) -> dict:
        return {
            "townships": self.townships,
            "township_id": self.township_id,
            "villages": self.villages,
            "village_id": self.village_id,
            "groups": self.groups,
            "group_id": self.group_id,
            "show_village": self.several,
        }


class PlaceFiltersMixin:
    """A list narrowed by ``?township=``, ``?village=`` and ``?group=`` (``Places``), whatever its
    ``get_queryset``; its context offers the filters' choices and, where the rows come from several
    villages, ``columns`` with the village's after the first."""

    @cached_property
    def places(self) -> Places:
        return Places(self.request.user, self.request.GET)

    def get(self, request, *args, **kwargs):
        self.object_list = self.places.narrow(self.get_queryset())
        return self.render_to_response(self.get_context_data())

    def list_columns(self) -> list[tuple[str, str]]:
        """Return the list's (label, dotted path) columns, with the village's where it is not shown."""
        columns = list(getattr(self, "columns", []))
        path = village_path(self.model)
        if not (self.places.several and path and columns):
            return columns
        dotted = path.replace("__", ".")
        if any(p == dotted or p.startswith(f"{dotted}.") for _label, p in columns):
            return columns
        return [columns[0], (_lazy("村"), dotted), *columns[1:]]

    def get_context_data(self, **kwargs):
        path = village_path(self.model)
        return super().get_context_data(
            **self.places.context(),
            columns=self.list_columns(),
            village_cell=path.replace("__", ".") if path else "",
            **kwargs,
        )


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


#: The pages of a record and their routes below its path.
ROUTES = {
    "list": "",
    "create": "new/",
    "deleted": "deleted/",
    "detail": "<int:pk>/",
    "update": "<int:pk>/edit/",
    "delete": "<int:pk>/delete/",
    "restore": "<int:pk>/restore/",
}
PAGES = tuple(ROUTES)


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

    def __getattr__(self, name: str):
        # list_url_name, create_url_name, update_url_name, delete_url_name, deleted_url_name,
        # restore_url_name, detail_url_name: the URL names of the record's pages.
        page = name.removesuffix("_url_name")
        if name.endswith("_url_name") and page in PAGES:
            return self._url_name(page)
        raise AttributeError(name)


def safe_next(request) -> str | None:
    """Return the ``next`` parameter when it points inside this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


class DomainPermissionMixin:
    """The model permission of a page (``action``), and ``extra_permissions`` on top of it."""

    action = "view"
    extra_permissions: tuple[str, ...] = ()

    def get_permission_required(self):
        return [_perm(self.model, self.action), *self.extra_permissions]


def _of_persons(model) -> bool:
    """Return whether ``model``'s records are each of one person (a ``person`` foreign key)."""
    return any(field.name == "person" and field.many_to_one for field in model._meta.get_fields())


class DomainListView(
    UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, PlaceFiltersMixin, generic.ListView
):
    """A list of records: 50 a page, through the scope; ``columns`` are (label, dotted path); the
    乡镇, 村 and 村民小组 filters for every list (``PlaceFiltersMixin``).

    With ``select`` (a selector taking ``user``, ``search`` and ``year``) the rows are its answer
    and the list has a search box and, when ``yearly``, a year filter. ``choice_filters`` name
    fields with choices the list is filtered by too (``?name=value``, one select each): a value
    among the field's choices is given to ``select`` under the field's name, any other is ignored.
    """

    template_name = "federation/domain_list.html"
    paginate_by = 50
    paginator_class = KeysFirstPaginator
    columns: list[tuple[str, str]] = []
    search_placeholder = _lazy("姓名、身份证号或后四位")
    select = None
    yearly = True
    choice_filters: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.model._meta.verbose_name_plural

    @property
    def add_label(self) -> str:
        return _("登记") + str(self.model._meta.verbose_name)

    def get_queryset(self):
        if self.select is None:
            return super().get_queryset()
        search = self.request.GET.get("q", "")
        return type(self).select(
            user=self.request.user, search=search, year=year_param(self.request), **self.chosen_choices()
        )

    def chosen_choices(self) -> dict[str, str]:
        """Return the ``choice_filters`` chosen (``?name=value``), each a value among its field's choices."""
        chosen = {}
        for name in self.choice_filters:
            value = self.request.GET.get(name, "")
            if value in dict(self.model._meta.get_field(name).choices):
                chosen[name] = value
        return chosen

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if (
            self.select is not None
            and is_whole_id_number(request.GET.get("q", ""))
            and _of_persons(self.model)
        ):
            # A register searched by a whole ID number: the persons it found, never the number typed.
            access.record_search(request, self.object_list.values_list("person_id", "person__village_id"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm(_perm(self.model, "add"))
        context["can_restore"] = user.has_perm("federation.restore_deleted") and hasattr(
            self.model, "all_objects"
        )
        if self.register is not None:
            context["register_help"] = self.register.help_text(year_param(self.request))
        # Ages on the reference date of the year on screen (a list without a year filter: this year's).
        yearly = self.select is not None and self.yearly
        shower = shower_for(self.request, year_param(self.request) if yearly else None)
        context["column_labels"] = [shower.label(label, path) for label, path in context["columns"]]
        # Made when the template shows them (a list with its own rows never does).
        context["table_rows"] = partial(table_rows, shower, context["columns"], context["object_list"])
        if self.select is not None:
            context["search"] = self.request.GET.get("q", "")
            chosen = self.chosen_choices()
            context["choice_filters"] = [
                (name, field.verbose_name, field.choices, chosen.get(name, ""))
                for name in self.choice_filters
                for field in [self.model._meta.get_field(name)]
            ]
            if self.yearly:
                year = year_param(self.request)
                context.update(year=year, years=year_choices(year))
        return context


class DomainDetailView(UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, generic.DetailView):
    """A record's page; edit and delete are offered only where the user may change the record."""

    template_name = "federation/domain_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        editable = self.model._default_manager.editable_by(user).filter(pk=self.object.pk).exists()
        context["model_verbose_name"] = self.model._meta.verbose_name
        context["can_change"] = user.has_perm(_perm(self.model, "change")) and editable
        context["can_delete"] = user.has_perm(_perm(self.model, "delete")) and editable
        return context


class DomainFormMixin(ScopedFormMixin):
    """Save through ``domain_record_save`` (full validation, the write scope, no silent overwrite).

    ``hidden_when_single`` names the choice fields (village, township) filled in and hidden when
    the user's scope offers exactly one row; ``required_for_village`` those a user who writes no
    township record (a director) must fill. ``?next=`` (inside the site) is where a save goes.
    """

    template_name = "federation/domain_form.html"
    create_title: str | None = None  # the heading of a new record's form; "登记<model>" when None
    hidden_when_single: tuple[str, ...] = ()
    required_for_village: tuple[str, ...] = ()

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        village_only = not self.request.user.has_perm(TOWNSHIP_RECORDS)
        for name in self.hidden_when_single:
            field = form.fields.get(name)
            if field is None:
                continue
            if village_only and name in self.required_for_village:
                field.required = True
            options = list(field.queryset[:2])
            if len(options) == 1 and (field.required or village_only or name == "township"):
                field.initial = options[0].pk
                field.widget = forms.HiddenInput()
                if not form.is_bound and form.instance.pk is None:
                    form.initial[name] = options[0].pk
        return form

    def save_record(self, form):
        """Save the form's record through the service (and its many-to-many fields); return it. A
        stale save names what changed since the version the form was opened at (the service reads
        the record's history at that version)."""
        record = domain_record_save(
            user=self.request.user,
            instance=form.save(commit=False),
            expected_version=form.cleaned_data.get("version"),
        )
        form.save_m2m()
        return record

    def form_valid(self, form):
        instance = form.instance
        before = (instance.pk, instance.version, instance._state.adding)
        try:
            with transaction.atomic():  # the record and what its form saves with it, or nothing
                self.object = self.save_record(form)
        except (ValidationError, PermissionDenied) as exc:
            # Refused when saved (a rule over what the form does not show, a value someone else took
            # meanwhile): shown on the form with what was typed, the record as it was before.
            instance.pk, instance.version, instance._state.adding = before
            if isinstance(exc, StaleRecordError):
                form.add_error(None, exc)
                return self.render_to_response(self.get_context_data(form=form, stale_changes=exc.changes))
            add_errors(form, str(exc) if isinstance(exc, PermissionDenied) else exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return HttpResponseRedirect(safe_next(self.request) or self.get_success_url())

    def get_context_data(self, **kwargs):
        name = self.model._meta.verbose_name
        return super().get_context_data(
            model_verbose_name=name,
            create_title=self.create_title or _("登记%(name)s") % {"name": name},
            next=safe_next(self.request),
            **kwargs,
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class DomainCreateView(
    UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, DomainFormMixin, generic.CreateView
):
    """A new record; the query parameters named in ``initial_params`` (``?person=``) preselect fields."""

    action = "add"
    initial_params: tuple[str, ...] = ()

    def get_initial(self):
        initial = super().get_initial()
        for name in self.initial_params:
            value = self.request.GET.get(name, "")
            if value:
                initial[name] = value
        return initial


class DomainUpdateView(
    UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, DomainFormMixin, generic.UpdateView
):
    """Edit a record the user may change (``editable_by``); any other answers 404."""

    action = "change"

    def get_queryset(self):
        return self.model._default_manager.editable_by(self.request.user)


class DomainDeleteView(UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, generic.DetailView):
    """GET asks for confirmation; POST soft-deletes a record the user may change."""

    action = "delete"
    template_name = "federation/domain_confirm_delete.html"

    def get_queryset(self):
        return self.model._default_manager.editable_by(self.request.user)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            domain_record_delete(user=request.user, instance=self.object)
        except ValidationError as exc:  # the record refuses it now (an entry of a closed year)
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(request, _("“%(obj)s”已删除；乡镇妇联可以恢复。") % {"obj": self.object})
        return HttpResponseRedirect(reverse(self.list_url_name))


class DomainRestoreView(UrlNamesMixin, DomainPermissionMixin, ScopedViewMixin, generic.DetailView):
    """POST only: bring back a soft-deleted record (township roles)."""

    http_method_names = ["post"]

    def get_permission_required(self):
        return ["federation.restore_deleted", *self.extra_permissions]

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

    def get_permission_required(self):
        return ["federation.restore_deleted", *self.extra_permissions]

    def get_queryset(self):
        return self.model.all_objects.deleted().for_user(self.request.user).order_by("-deleted_at")


#: The generic view of each page.
VIEWS = {
    "list": DomainListView,
    "create": DomainCreateView,
    "deleted": DomainDeletedListView,
    "detail": DomainDetailView,
    "update": DomainUpdateView,
    "delete": DomainDeleteView,
    "restore": DomainRestoreView,
}


def record_urls(
    model, path: str, *, name: str = "", views=None, form_class=None, list_attrs=None, **attrs
) -> list:
    """Return the URL patterns of ``model``'s seven pages below ``path``, named ``<name>_<page>``
    (``name`` by default the model's): the generic views, or those ``views`` gives by page, with
    ``attrs`` on every page, ``form_class`` on the new and edit pages and ``list_attrs`` on the list."""
    name = name or model._meta.model_name
    by_page = {"list": list_attrs or {}}
    if form_class is not None:
        by_page.update(create={"form_class": form_class}, update={"form_class": form_class})
    patterns = []
    for page in ROUTES:
        base = (views or {}).get(page, VIEWS[page])
        page_attrs = {"model": model, **attrs, **by_page.get(page, {})}
        view = type(f"{model.__name__}{page.title()}", (base,), page_attrs)
        patterns.append(_page_pattern(path, page, view, name))
    return patterns


def page_urls(views, record: str, *pages: str, path: str = "", name: str | None = None) -> list:
    """Return the URL patterns of a record's ``pages`` whose views follow the naming convention
    ``<record><Page>View`` in the module ``views``: each at its route below ``path`` (``ROUTES``, any
    other page an action on one record at ``<int:pk>/<page>/``), named ``<name>_<page>`` (``name`` by
    default ``record`` in lower case; the page's name alone when ``name`` is "")."""
    name = record.lower() if name is None else name
    return [
        _page_pattern(path, page, getattr(views, f"{record}{page.capitalize()}View"), name) for page in pages
    ]


def _page_pattern(path: str, page: str, view, name: str):
    """Return the URL pattern of a record's ``page`` below ``path``, named ``<name>_<page>`` (or ``page``)."""
    route = ROUTES.get(page, f"<int:pk>/{page}/")
    return url_path(
        f"{path}/{route}" if path else route, view.as_view(), name=f"{name}_{page}" if name else page
    )
