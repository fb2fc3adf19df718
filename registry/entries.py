"""What the yearly registers of persons share: their columns, rows, importer and declaration.

A register of persons (留守儿童, 特殊困难儿童, 农村留守妇女, 农村贫困妇女) is a model of
:class:`registry.models.registers.RegisterEntry` and one module in ``registry/registers/`` that
calls :func:`entry_register`. Its ledger's columns name the person (:func:`person_columns`) and
then the entry's own fields; the same columns are what the export writes and the import reads.

The import (:class:`EntryImporter`) finds the person a row names in the village
(:class:`PersonRowMixin`: by 身份证号, else the one resident of that 姓名), matches her entry of the
importer's year and updates it, else creates it; a person not registered yet is refused (the
roster first), unless the register knows how to register her (``new_person``). The rules are the
models' (``full_clean()`` → ``registry.rules``), so a row that a form would refuse is refused with
the same message, under its row number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, ColumnGroup, Kind, import_columns, with_model_choices
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Table
from federation.ledgers.exports.registry import Ledger
from federation.ledgers.imports.cells import normalize_header
from federation.ledgers.imports.framework import CREATED, UNCHANGED, UPDATED, Importer, ImportRow, RowInvalid
from federation.ledgers.model_ledgers import model_ledger
from federation.web.registers import Deadline, Menu, OnPersonPage, Register
from registry import columns, rules, selectors
from registry.columns import text_column
from registry.models import GuardianRelation, Person

ROSTER_FIRST = _("此人还没有在本村登记。请先导入居民花名册（户和人），或在“居民”中登记此人，再导入本表。")


def same_month(a: dt.date | None, b: dt.date | None) -> bool:
    """Return whether two dates fall in the same month (a 年月 column keeps a stored day)."""
    if a is None or b is None:
        return a is b
    return (a.year, a.month) == (b.year, b.month)


def field_default(model: Any, name: str) -> Any:
    """Return the default of a model field (what a blank cell of its column stores)."""
    return model._meta.get_field(name).get_default()


# -- the columns ------------------------------------------------------------------------------------


def person_place(ctx: ExportContext, person: Person) -> str:
    """Return the 村组 cell of a person: her group, and her village when the export spans villages."""
    group = person.household.group if person.household_id else None
    return ctx.village_group(person.village.name, group)


def ages_note(ctx: ExportContext) -> str:
    """Return the note that says at which date the ledger's ages are counted."""
    on = ctx.ages_on
    values = {"year": on.year, "month": on.month, "day": on.day, "ledger_year": ctx.year}
    if ctx.settings is None or on == ctx.settings.ages_on:
        return (
            gettext("年龄按 %(year)s年%(month)s月%(day)s日（%(ledger_year)s年度统计截止日）计算。") % values
        )
    return gettext("年龄按 %(year)s年%(month)s月%(day)s日计算。") % values


def entries_note(ctx: ExportContext) -> str:
    """Return the note of a register of persons: which entries it lists (those active on its date,
    or at any time in its year) and at which date its ages are counted."""
    listed = selectors.active_on(ctx.filters.extra, ctx.year).label()
    return gettext("本表为%(listed)s的人员；%(ages)s") % {"listed": listed, "ages": ages_note(ctx)}


def ledger_as_of(filters: ExportFilters) -> dt.date:
    """Return the day a register's ledger is as of (its ages are counted at it): the list's day."""
    return selectors.active_on(filters.extra, filters.year or timezone.localdate().year).ages_on


PLACE = replace(columns.PLACE, source=lambda entry, ctx: person_place(ctx, entry.person))
NAME = Column(
    "name", _("姓名"), width=9, source="person.name", required=True, help=_("须与本村居民登记的姓名一致。")
)
SEX = Column("sex", _("性别"), width=5, source="person.get_sex_display", read=False)
BIRTH_DATE = Column(
    "birth_date", _("出生日期"), Kind.DATE, source="person.birth_date", read=False, birth=True
)
AGE = replace(columns.AGE, source=lambda entry, ctx: entry.person.age_on(ctx.ages_on))
ID_NUMBER = replace(
    columns.ID_NUMBER, source="person.id_number", help=_("按身份证号查找本村居民；没有身份证号时按姓名查找。")
)


def person_columns(*, sex_and_birth: bool = True) -> tuple[Column, ...]:
    """Return the columns that name a registered person of the village (村组 … 身份证号).

    村组, 年龄 (and 性别, 出生日期, which the children's registers show) follow from the person and
    are not read back; 姓名 and 身份证号 find her (see :class:`PersonRowMixin`).
    """
    return (PLACE, NAME, *((SEX, BIRTH_DATE) if sex_and_birth else ()), AGE, ID_NUMBER)


#: The cells of an entry register's list page that show the person, by name (see ``person_list``).
PERSON_LIST = {
    "name": "person.name",
    "group": (_("村组"), "person.household.group"),
    "id_number": "person.id_number",
    "sex": "person.sex",
    "birth_date": "person.birth_date",
}


def person_list(*names: str) -> tuple[str | tuple[str, str], ...]:
    """Return the list page's cells of the person (``PERSON_LIST``): ``names``, by default all of them."""
    return tuple(PERSON_LIST[name] for name in names or PERSON_LIST)


GUARDIAN = ColumnGroup(
    _("监护人"),
    (
        Column.of_field(
            "guardian_name",
            _("姓名"),
            width=9,
            aliases=("监护人情况姓名",),
            required=True,
            help=_("实际照料儿童的监护人。"),
        ),
        Column.of_field(
            "guardian_relation",
            _("与儿童关系"),
            Kind.CHOICE,
            width=9,
            aliases=("与儿童关系", "监护人关系", "监护人情况与儿童关系"),
            choices=GuardianRelation,
            value_aliases={
                "爷爷": "grandparent",
                "奶奶": "grandparent",
                "祖父": "grandparent",
                "祖母": "grandparent",
                "外公": "maternal_grandparent",
                "外婆": "maternal_grandparent",
                "外祖父": "maternal_grandparent",
                "外祖母": "maternal_grandparent",
                "父": "father",
                "母": "mother",
                "亲属": "relative",
            },
            required=True,
        ),
        Column.of_field(
            "guardian_phone", _("联系电话"), Kind.PHONE, aliases=("监护人电话", "监护人情况联系电话")
        ),
    ),
)
SCHOOL = text_column("school", _("就读学校"), aliases=("学校",))
GRADE = Column.of_field("grade", _("年级"), width=7)
NOTES = text_column("notes", _("备注"))
#: The entry's dates and exit (``RegisterEntry``): columns of every register of persons, before 备注.
ENTRY_COLUMNS = (
    Column.of_field(
        "entered_on",
        _("认定日期"),
        Kind.DATE,
        aliases=("登记日期", "认定时间"),
        help=_(
            "登记条件按这一天核实，须在本年度内、不晚于今天；"
            "空着：新登记为今天（往年为该年度统计截止日），已登记的不改动。"
        ),
    ),
    Column.of_field(
        "exited_on",
        _("退出日期"),
        Kind.DATE,
        aliases=("退出时间",),
        help=_("已不符合条件、退出本台账的日期；在册的空着。"),
    ),
    Column.of_field(
        "exit_reason",
        _("退出原因"),
        Kind.CHOICE,
        width=12,
        help=_("填了退出日期时必填，须是本台账的退出原因之一。"),
    ),
    text_column("exit_note", _("退出说明"), help=_("退出原因为“其他”时必填。")),
)
#: The form fields every register of persons starts with (then its own, then 备注).
ENTRY_FIELDS = ("year", "person", "entered_on")
#: What every register of children has after its own columns, and the form fields of them.
CHILD_COLUMNS = (GUARDIAN, SCHOOL, GRADE)
CHILD_FIELDS = ("guardian_name", "guardian_relation", "guardian_phone", "school", "grade")


CHILD_NOTES = (
    _(
        "儿童按身份证号在本村居民中查找（没有身份证号时按姓名查找）；"
        "同一儿童同一年度已登记的，更新这一条登记。"
    ),
    _(
        "儿童须先在本村登记（导入居民花名册，或在“居民”中登记），本表不新建居民：儿童的家庭"
        "（父母、户）无法从本表的一行得出。"
    ),
    _("村组、性别、出生日期、年龄由居民信息得出，导入时不读取。"),
)


# -- the rows ---------------------------------------------------------------------------------------


def entry_queryset(model: Any, *, prefetch: Sequence[Any] = ()) -> Any:
    """Return the queryset function of a register's ledger: the list page's selector, village first."""

    def queryset(user: Any, filters: ExportFilters) -> QuerySet:
        year = filters.year or timezone.localdate().year
        qs = selectors.register_entries(
            model=model,
            user=user,
            search=filters.search,
            group_id=filters.group_id,
            year=year,
            active=selectors.active_on(filters.extra, year),
        )
        if filters.village_id:
            qs = qs.filter(person__village_id=filters.village_id)
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return qs.order_by("person__village__code", "person__group_number", "person__name", "pk")

    return queryset


# -- the import -------------------------------------------------------------------------------------


class PersonRowMixin:
    """Find the person a row names (身份证号, 姓名) in the importer's village, refusing the others.

    Used by every register whose rows are persons (here and in ``outreach``). Call
    :meth:`prefetch_persons` from ``prepare``.
    """

    village: Any

    def prefetch_persons(self, rows: list[ImportRow]) -> None:
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        self.known: dict[str, Person] = {
            p.id_number: p
            for p in Person.all_objects.filter(id_number__in=numbers).select_related("household")
        }

    def find_person(self, row: ImportRow) -> Person | None:
        """Return the person of this village the row names, or None when she is not registered.

        Record the reason and raise :class:`RowInvalid` for a person of another village, a deleted
        one (the message of ``Person.clean``), a name that is not hers, or a name several share.
        """
        name = row.get("name", "")
        number = row.get("id_number")
        if number:
            person = self.known.get(number)
            if person is None:
                return None
            if person.village_id != self.village.pk or person.is_deleted:
                row.fail("id_number", self._clean_message(name, number))
                raise RowInvalid
            if name and person.name != name:
                row.fail(
                    "name",
                    gettext(
                        "身份证号 %(id_number)s 在本村登记的姓名是“%(registered)s”，"
                        "与表中的“%(name)s”不一致。请核对姓名或身份证号。"
                    )
                    % {"id_number": number, "registered": person.name, "name": name},
                )
                raise RowInvalid
            return person
        matches = list(Person.objects.filter(village=self.village, name=name).select_related("household")[:2])
        if len(matches) > 1:
            row.fail(
                "id_number",
                gettext("本村有不止一位叫“%(name)s”的居民，请填写身份证号以区分。") % {"name": name},
            )
            raise RowInvalid
        return matches[0] if matches else None

    def _clean_message(self, name: str, number: str) -> str:
        """Return what ``Person.clean`` says of registering this ID number in this village."""
        probe = Person(village=self.village, name=name or "-", id_number=number)
        try:
            probe.clean()
        except ValidationError as exc:
            messages = exc.message_dict.get("id_number")
            if messages:
                return messages[0]
        return gettext("此人不能在本村登记。")


class EntryImporter(PersonRowMixin, Importer):
    """A yearly register whose rows are persons: the entry is matched by (person, year).

    The entry's own fields are the columns that name a ``field``: each is read into it (a blank
    cell: the field's default).
    """

    model: ClassVar[Any]
    noun = _("人")
    field_columns = {"__all__": "name", "person": "name"}

    def prepare(self, rows: list[ImportRow]) -> None:
        self.prefetch_persons(rows)
        self.entries = {
            e.person_id: e for e in self.model.objects.filter(person__village=self.village, year=self.year)
        }

    def new_person(self, row: ImportRow) -> Person:
        """Return the person of a row whose person is not registered (by default: refuse)."""
        row.fail("id_number" if row.get("id_number") else "name", ROSTER_FIRST)
        raise RowInvalid

    def update_person(self, row: ImportRow, person: Person) -> bool:
        """Write what the row says of the person and her family; return whether anything changed."""
        return False

    #: Fields a blank cell leaves as they are on an entry already registered (a new one: its default).
    kept_when_blank = frozenset({"entered_on"})

    def entry_values(self, row: ImportRow, entry: Any = None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column in self.fields:
            if column.field and column.read and row.has(column.key):
                value = row.get(column.key)
                if value is None and column.field in self.kept_when_blank:
                    if entry is not None and entry.pk is not None:
                        continue
                    value = field_default(self.model, column.field)
                values[column.field] = field_default(self.model, column.field) if value is None else value
        return values

    def apply_row(self, row: ImportRow) -> str:
        person = self.find_person(row)
        created_person = person is None
        if person is None:
            person = self.new_person(row)
        person_changed = False if created_person else self.update_person(row, person)
        entry = self.entries.get(person.pk) or self.model(person=person, year=self.year)
        row.record = entry  # what the derived columns it fills are checked against
        values = self.entry_values(row, entry)
        if row.errors:
            raise RowInvalid
        is_new = entry.pk is None
        entry_changed = self.changed(entry, values)
        if not (is_new or entry_changed or person_changed):
            return UNCHANGED
        # The register's rules judge the entry even when only the person changed (e.g. the income).
        self.validate(entry, row)
        if is_new or entry_changed:
            self.save(entry, row)
            self.entries[person.pk] = entry
        return CREATED if is_new or created_person else UPDATED


# -- the declaration --------------------------------------------------------------------------------


def importer_attrs(model: Any, ledger: Ledger) -> dict[str, Any]:
    """Return what the import of ``ledger`` into ``model`` declares: its name, title and permission
    (adding ``model``'s records), and its fields, the ledger's columns as a file names them."""
    return {
        "name": ledger.name,
        "title": str(ledger.layout.title),
        "permission": f"registry.add_{model._meta.model_name}",
        "model": model,
        "fields": with_model_choices(import_columns(ledger.layout.declared_columns), model),
    }


def _importer(base: type[Importer], ledger: Ledger, model: Any, **attrs: Any) -> type[Importer]:
    """Return the importer of a register's ledger: ``base`` reading ``ledger`` into ``model``."""
    return type(
        f"{model.__name__}Importer",
        (base,),
        {**importer_attrs(model, ledger), "__module__": base.__module__, **attrs},
    )


def entry_register(
    *,
    model: Any,
    path: str,
    ledger: str,
    table: Table,
    form_fields: tuple[str, ...],
    list_columns: tuple[str | tuple[str, str], ...],
    menu_order: int,
    deadline: Deadline | None = None,
    person_filters: dict[str, Any] | None = None,
    person_ages: Any = None,
    person_order: int = 0,
    importer: type[EntryImporter] = EntryImporter,
    import_notes: Sequence[str] = (),
    prefetch: Sequence[Any] = (),
    list_attrs: dict[str, Any] | None = None,
    widgets: dict[str, Any] | None = None,
    extra_ledgers: tuple[Ledger, ...] = (),
    views: dict[str, type] | None = None,
    row: Any = None,
    name: str = "",
    title: str = "",
    help: Any = None,
) -> Register:
    """Return the declaration of a yearly register of persons: its pages, menu entry, deadline,
    place on a person's page, ledger (``table``, exported from its list) and import of that ledger.
    ``name`` and ``title`` are by default the model's (another name declares the model again).
    ``person_filters`` (her fields, e.g. sex) and ``person_ages`` (the register's age rule of the
    year's settings, ``registry.rules.Ages``) say whom a person's page offers to enter in it.
    """
    from registry.forms.registers import RegisterEntryForm
    from registry.views import registers as pages

    filters = person_filters or {}
    name = name or model._meta.model_name
    main_ledger = model_ledger(
        model,
        ledger,
        table,
        list_views=(f"registry:{name}_list",),
        queryset=entry_queryset(model, prefetch=prefetch),
        row=row,
        as_of=ledger_as_of,
    )
    return Register(
        name=name,
        title=title,
        model=model,
        path=path,
        form_fields=form_fields,
        form_base=type(f"{model.__name__}Form", (RegisterEntryForm,), {"person_filters": filters}),
        widgets=widgets or {},
        list_columns=list_columns,
        list_attrs=list_attrs or {},
        views={
            "list": pages.RegisterListView,
            "detail": pages.RegisterDetailView,
            "create": pages.RegisterCreateView,
            **(views or {}),
        },
        menu=Menu("registers", menu_order),
        deadline=deadline,
        # Offered on a living person's page whose sex and age fit (the register's own age rule).
        person_page=OnPersonPage(person_order, {**filters, "deceased": False}, ages=person_ages),
        counted=True,
        ledgers=(main_ledger, *extra_ledgers),
        importer=_importer(importer, main_ledger, model, notes=tuple(import_notes)),
        help=help,
    )


def child_register(**declaration: Any) -> Register:
    """Return the declaration of a yearly register of children (:func:`entry_register`): the
    guardian's phone typed as a phone, the import's notes ``CHILD_NOTES``, a person's page offering
    it to the children of the year's ages (``rules.child_ages``)."""
    from registry.forms.registers import PHONE_INPUT

    return entry_register(
        widgets={"guardian_phone": PHONE_INPUT},
        import_notes=CHILD_NOTES,
        person_ages=rules.child_ages,
        **declaration,
    )


def women_register(*, import_notes: Sequence[str], **declaration: Any) -> Register:
    """Return the declaration of a yearly register of women (:func:`entry_register`): its persons
    are the village's women, found by the import as its first note says, then ``import_notes``."""
    return entry_register(
        person_filters={"sex": "F"},
        import_notes=(
            _(
                "妇女按身份证号在本村居民中查找（没有身份证号时按姓名查找）；"
                "同一妇女同一年度已登记的，更新这一条登记。"
            ),
            *import_notes,
        ),
        **declaration,
    )


def village_queryset(model: Any) -> Any:
    """Return the queryset function of a ledger of village records (directors, women's homes)."""

    def queryset(user: Any, filters: ExportFilters) -> QuerySet:
        qs = model.objects.for_user(user).select_related("village__township")
        if filters.search:
            condition = Q(village__name__contains=filters.search)
            if hasattr(model, "name"):
                condition |= Q(name__contains=filters.search)
            qs = qs.filter(condition)
        if filters.village_id:
            qs = qs.filter(village_id=filters.village_id)
        return qs.order_by("village__code", *model._meta.ordering[1:], "pk")

    return queryset


def check_own_village(row: ImportRow, village: Any, message: str, **values: Any) -> None:
    """Refuse ``row`` when its 村 cell names another village than ``village`` (a blank one names
    it): ``message`` says so, with ``%(village)s``, ``%(written)s`` and ``values`` filled in. A
    register of village records imports its own village's rows only."""
    written = row.get("village")
    if written and normalize_header(written) not in (
        normalize_header(village.name),
        normalize_header(str(village)),
    ):
        row.fail("village", message % {"village": village.name, "written": written, **values})


def village_register(
    *,
    model: Any,
    path: str,
    ledger: str,
    table: Table,
    list_columns: tuple[str | tuple[str, str], ...],
    menu_order: int,
    form_fields: tuple[str, ...] = (),
    form_base: Any = None,
    widgets: dict[str, Any] | None = None,
    importer: type[Importer] | None = None,
    list_attrs: dict[str, Any] | None = None,
    help: Any = None,
) -> Register:
    """Return the declaration of a register of village records (one row a director, a women's home):
    its pages (editing ``form_fields``, by default every field of the model), menu entry (after the
    yearly registers), ledger and, with ``importer``, its import."""
    from registry.views import registers as pages

    main_ledger = model_ledger(model, ledger, table, queryset=village_queryset(model), yearly=False)
    return Register(
        model=model,
        path=path,
        form_fields=form_fields,
        form_base=form_base,
        widgets=widgets or {},
        list_columns=list_columns,
        list_attrs=list_attrs or {},
        views={
            "list": pages.SimpleVillageListView,
            "detail": pages.VillageRecordDetailView,
            "create": pages.VillageRecordCreateView,
        },
        menu=Menu("registers", menu_order, section=1),
        ledgers=(main_ledger,),
        importer=None if importer is None else _importer(importer, main_ledger, model),
        help=help,
    )


__all__ = [
    "AGE",
    "BIRTH_DATE",
    "CHILD_NOTES",
    "ENTRY_COLUMNS",
    "ENTRY_FIELDS",
    "GRADE",
    "GUARDIAN",
    "ID_NUMBER",
    "NAME",
    "NOTES",
    "PLACE",
    "ROSTER_FIRST",
    "SCHOOL",
    "SEX",
    "EntryImporter",
    "PersonRowMixin",
    "ages_note",
    "entries_note",
    "importer_attrs",
    "ledger_as_of",
    "entry_queryset",
    "entry_register",
    "check_own_village",
    "village_queryset",
    "village_register",
    "person_columns",
    "person_list",
    "person_place",
    "same_month",
]
