"""A register is one declaration: its model, pages, menu entry, deadline, person-page entry and ledgers.

:func:`declare` takes a :class:`Register` and makes every part of the system that needs the
register from it, so nothing else names it:

- its seven pages (list, new, deleted, detail, edit, delete, restore) under ``<app>:<name>_<page>``,
  from the generic views (``federation.web.generic``) with the form fields and list columns given;
- its entry in the menu (``Menu``), in the deadlines grid (``Deadline``) and on a person's page
  (``OnPersonPage``: the registers a person can be entered in, with her entries);
- its ledgers, exported from its list page, and its importer (``federation.ledgers``);
- its roles' permissions (``grants``: by default the registers' — directors and township roles
  keep it, the county reads it).

An app declares its registers in a package ``<app>/registers/``, one module a register, which its
``AppConfig.ready()`` imports (see ``declare_package``); ``<app>/urls.py`` adds
``declared_urls("<app>")``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from federation.core.models import year_settings
from federation.core.registries import Registry
from federation.core.roles import Role, role_grants
from federation.ledgers import archives
from federation.ledgers.exports import registry as ledger_registry
from federation.ledgers.exports.registry import Ledger
from federation.ledgers.imports import framework as import_registry
from federation.ledgers.imports.framework import Importer
from federation.web.pages import MenuEntry, menu_entries

ACTIONS = ("view", "add", "change", "delete")


def crud_grants(model: Any, *, readers: Sequence[str] = (Role.COUNTY_VIEWER,)) -> dict[str, list[str]]:
    """Return the registers' usual grants of ``model``: every action for the village and township
    roles, reading for ``readers`` (the county viewer)."""
    label, name = model._meta.app_label, model._meta.model_name
    every = [f"{label}.{action}_{name}" for action in ACTIONS]
    grants = {role: list(every) for role in (Role.VILLAGE_DIRECTOR, Role.TOWNSHIP_STAFF, Role.TOWNSHIP_CHAIR)}
    for role in readers:
        grants[role] = [f"{label}.view_{name}"]
    return grants


@dataclass(frozen=True)
class Menu:
    """Where the register's list is in the menu: ``group`` (e.g. "registers", 台账), its ``order`` there."""

    group: str
    order: int
    section: int = 0
    label: str = ""
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """The register's yearly deadline (seed, 2014 plan: 18 or 30 March) and its column of the grid.

    ``key`` is what a village's report of it is stored under; ``short`` the two-line heading of the
    grid on a phone; ``size(user=, village=, year=)`` how many entries the village has (shown
    before it reports; by default its entries of the year).
    """

    key: str
    month: int
    day: int
    short: str
    order: int
    size: Callable[..., int] | None = None


@dataclass(frozen=True)
class OnPersonPage:
    """The register on a person's page: her entries, and a button to enter her when she fits it.

    She fits when her fields equal ``filters`` (e.g. ``{"sex": "F"}``) and, with ``ages``, her age
    on this year's reference date (统计截止日) is one the register takes: ``ages(settings)`` is the
    register's own rule of the year's settings (``federation.core.models.YearSettings``), an object
    whose ``fit(age)`` says it (``registry.rules.Ages``). An unknown age is offered: the form says why.
    """

    order: int
    filters: Mapping[str, Any] = field(default_factory=dict)
    ages: Callable[[Any], Any] | None = None

    def fits(self, person: Any, *, settings: Any = None) -> bool:
        """Return whether ``person`` may be entered in the register from her page, by ``settings``
        (the year's rule values; this year's by default)."""
        if not all(getattr(person, name) == value for name, value in self.filters.items()):
            return False
        if self.ages is None:
            return True
        settings = settings or year_settings(timezone.localdate().year)
        return bool(self.ages(settings).fit(person.age_on(settings.ages_on)))


@dataclass(frozen=True, eq=False)
class Register:
    """One register (see the module docstring).

    ``name`` and ``title`` are by default its model's name and plural verbose name. ``model`` is
    None for a register with no records of its own (the women's ledger, derived from persons).
    ``path`` is the URL prefix of its pages inside its app ("" for no pages: then ``list_url_name``
    names the page that lists it). ``views`` overrides the generic views by page ("list",
    "detail", "create", "update", "delete", "deleted", "restore"); ``list_attrs`` are given to the
    list view (``intro``, ``add_label``, ``search_placeholder``, ``select`` …), ``page_attrs`` to
    every page (``extra_permissions``, ``hidden_when_single`` …). Without ``form_fields`` the pages
    edit ``form_base``'s own fields, or, where it names none, every field of the model.
    ``list_columns`` are the list page's cells: a dotted path from the record (headed by the
    verbose name of the field it ends in; a field with choices shows its display), or (heading,
    dotted path) where the heading is another. ``counted`` registers are counted village by village
    on the township overview. ``permission`` is what reading it takes when that is not its model's
    view permission (a register with no model). ``help`` is what its list page says above the
    list: what the register is (the 2014 plan's definition), a text, or a function of the year
    giving its rule values of ``year``, read from that year's settings, never typed into the text
    (``settings_help``). ``ledgers`` are by default the one its importer reads (``LedgerImporter``).
    """

    name: str = ""
    title: str = ""
    model: Any = None
    app_label: str = ""
    path: str = ""
    form_fields: tuple[str, ...] = ()
    form_base: Any = None
    widgets: Mapping[str, Any] = field(default_factory=dict)
    list_columns: tuple[str | tuple[str, str], ...] = ()
    list_attrs: Mapping[str, Any] = field(default_factory=dict)
    page_attrs: Mapping[str, Any] = field(default_factory=dict)
    views: Mapping[str, type] = field(default_factory=dict)
    list_url_name: str = ""
    menu: Menu | None = None
    deadline: Deadline | None = None
    person_page: OnPersonPage | None = None
    counted: bool = False
    ledgers: tuple[Ledger, ...] = ()
    importer: type[Importer] | None = None
    grants: Mapping[str, Sequence[str]] | None = None
    permission: str = ""
    help: Callable[[int], str] | str | None = None

    def __post_init__(self) -> None:
        if self.model is not None:
            meta = self.model._meta
            object.__setattr__(self, "name", self.name or meta.model_name)
            object.__setattr__(self, "title", self.title or meta.verbose_name_plural)
            columns = tuple(list_column(self.model, column) for column in self.list_columns)
            object.__setattr__(self, "list_columns", columns)
        if not self.ledgers and getattr(self.importer, "ledger", None) is not None:
            object.__setattr__(self, "ledgers", (self.importer.ledger,))
        if not (self.name and self.title):
            raise ImproperlyConfigured("A register without a model needs a name and a title.")

    def help_text(self, year: int) -> str:
        """Return the help of the register's list page for ``year`` ("" when it has none)."""
        if self.help is None:
            return ""
        return str(self.help(year) if callable(self.help) else self.help)

    @property
    def app(self) -> str:
        return self.app_label or self.model._meta.app_label

    def url_name(self, page: str) -> str:
        """Return the URL name of one of the register's pages, e.g. ``registry:hardshipchild_list``."""
        if page == "list" and self.list_url_name:
            return self.list_url_name
        return f"{self.app}:{self.name}_{page}"

    @property
    def view_permission(self) -> str:
        """Return the permission to read the register: ``permission``, else its model's view permission."""
        if self.permission or self.model is None:
            return self.permission
        return f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"

    @property
    def add_permission(self) -> str:
        return f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"

    def form_class(self) -> type:
        """Return the model form of the register's pages: ``form_base`` with ``form_fields``."""
        from django.forms import modelform_factory

        from federation.core.forms import VersionedModelForm

        base = self.form_base or VersionedModelForm
        if not self.form_fields and base._meta.fields is not None:
            return base
        return modelform_factory(
            self.model, form=base, fields=self.form_fields or "__all__", widgets=self.widgets
        )

    def entries_of(self, person: Any, user: Any):
        """Return ``person``'s entries in this register that ``user`` sees, latest year first."""
        qs = self.model.objects.for_user(user).filter(person=person)
        return qs.order_by("-year", "-pk") if hasattr(self.model, "year") else qs.order_by("-pk")

    def offered_to(self, person: Any, *, settings: Any = None) -> bool:
        """Return whether a person may be entered in this register from her page (``OnPersonPage.fits``)."""
        return self.person_page is not None and self.person_page.fits(person, settings=settings)

    def size(self, *, user: Any, village: Any, year: int) -> int:
        """Return how many entries ``village`` has in this register for ``year`` (the deadline grid's)."""
        if self.deadline is not None and self.deadline.size is not None:
            return self.deadline.size(user=user, village=village, year=year)
        qs = self.model.objects.for_user(user).filter(
            **{ledger_registry.village_lookup(self.model): village.pk}
        )
        return qs.filter(year=year).count() if hasattr(self.model, "year") else qs.count()

    def urlpatterns(self) -> list:
        """Return the seven URL patterns of the register's pages (none when it has no ``path``)."""
        if not self.path:
            return []
        from federation.web.generic import record_urls

        return record_urls(
            self.model,
            self.path,
            name=self.name,
            views=self.views,
            list_attrs={"columns": list(self.list_columns), **self.list_attrs},
            register=self,
            url_prefix=self.name,
            form_class=self.form_class(),
            **self.page_attrs,
        )


def settings_help(text: Any, settings: Callable[[int], Any] = year_settings) -> Callable[[int], str]:
    """Return a register's ``help``: ``text`` (a lazy translation) with ``{year}`` and the year's rule
    values, ``{settings.child_age_limit}`` …, of ``settings(year)`` (``YearSettings``) filled in."""
    return lambda year: str(text).format(year=year, settings=settings(year))


def list_column(model: Any, column: str | tuple[str, str]) -> tuple[str, str]:
    """Return (heading, dotted path) of a list page's cell of ``model`` (see ``Register.list_columns``)."""
    if not isinstance(column, str):
        return column
    *relations, name = column.split(".")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    path = ".".join((*relations, f"get_{name}_display")) if field.choices else column
    return field.verbose_name, path


#: Every register declared, by name, in the order declared.
registers: Registry[Register] = Registry("register")


def declare(register: Register) -> Register:
    """Declare ``register``: add it and every part made from it to their registries; return it."""
    registers.add(register.name, register)
    for ledger in register.ledgers:
        ledger_registry.register(ledger)
        if register.deadline is not None:  # reported to the county each year: closed by year (归档)
            archives.closable(ledger, title=register.title, model=register.model)
    if register.importer is not None:
        import_registry.register(register.importer)
    if register.menu is not None:
        menu = register.menu
        entry = MenuEntry(
            menu.group,
            menu.label or register.title,
            register.url_name("list"),
            menu.order,
            section=menu.section,
            permissions=((register.view_permission,) if register.view_permission else ()) + menu.permissions,
        )
        menu_entries.add(_menu_key(register), entry)
    if register.model is not None:
        grants = register.grants if register.grants is not None else crud_grants(register.model)
        role_grants.add(f"register:{register.name}", grants)
    return register


def undeclare(register: Register) -> None:
    """Take a declared register and every part made from it out again (tests declare throw-away ones)."""
    registers.remove(register.name)
    for ledger in register.ledgers:
        ledger_registry.unregister(ledger.name)
        archives.unclosable(ledger.name)
    if register.importer is not None:
        import_registry.unregister(register.importer)
    menu_entries.remove(_menu_key(register))
    role_grants.remove(f"register:{register.name}")


@contextmanager
def declared(register: Register) -> Iterator[Register]:
    """Declare ``register`` for the duration of a ``with`` block."""
    declare(register)
    try:
        yield register
    finally:
        undeclare(register)


def _menu_key(register: Register) -> str:
    return f"register:{register.name}"


def declare_package(package: str) -> None:
    """Import every module of ``package`` (``<app>.registers``): each declares its register."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        if not info.name.startswith("_"):  # a module the declarations share, not a register
            importlib.import_module(f"{package}.{info.name}")


def declared_urls(app_label: str) -> list:
    """Return the URL patterns of the pages of every register ``app_label`` declared."""
    return [
        p
        for register in registers
        if register.path and register.app == app_label
        for p in register.urlpatterns()
    ]


def with_deadlines() -> list[Register]:
    """Return the registers that have a deadline, in the order of the deadlines grid."""
    return sorted((r for r in registers if r.deadline is not None), key=lambda r: r.deadline.order)


def deadline_choices() -> list[tuple[str, str]]:
    """Return (key, title) of each register with a deadline (the field choices of the reports)."""
    return [(r.deadline.key, str(r.title)) for r in with_deadlines()]


def by_deadline_key(key: str) -> Register | None:
    return next((r for r in with_deadlines() if r.deadline.key == key), None)


def counted() -> list[Register]:
    """Return the registers counted village by village on the overview, in their menu's order."""
    return sorted((r for r in registers if r.counted), key=lambda r: r.menu.order if r.menu else 0)


def on_person_page() -> list[Register]:
    """Return the registers shown on a person's page, in their order there."""
    return sorted((r for r in registers if r.person_page is not None), key=lambda r: r.person_page.order)
