"""One way to import any register kept in Excel: declare its columns, say how a row becomes records.

An importer (a subclass of :class:`Importer`, registered with :func:`register` in ``<app>/imports.py``)
names its ledger (the same name as the export, so a file exported from the system comes back in),
declares its columns (``federation.ledgers.columns.Column``: header texts, how a cell is parsed, what
the explanation sheet says) and writes one row with :meth:`Importer.apply_row`.

:meth:`Importer.run` does the rest, the same way for every register and on every path (the web
upload, ``import_ledger``, the background task):

* every cell is parsed (dates typed every way, 是/否, ID numbers, allowed values) and every bad cell
  named by its row number and column header; an ID number twice in the file is named too;
* a column the system works out (年龄, 外出时长) that the file fills is checked, once the row is
  applied, against what the column's ``derive`` works out from the row and the record the importer
  found (:meth:`Importer.check_typed`): a disagreement is the row's error with both values;
* the rows are applied inside one transaction, each record checked by its model's ``full_clean()``
  (the rules beside the models, as forms and the admin call them), so a row may rely on the rows
  above it (a husband registered by the row before);
* if any row is bad, or on a dry run (the preview), the transaction is rolled back: nothing is
  written. Otherwise it commits, once. A clash with a record someone saved at the same moment
  (a unique ID number) becomes the row's message, not a server error.
* a record it updates gets its version raised, as every other write does
  (``federation.core.services.domain_record_raise_version``), so a form opened before the import
  is refused with what changed; a record someone changed while the import ran refuses the import
  (the row's message names what changed), nothing is written, and uploading again checks anew.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core import history
from federation.core.models import DomainModel
from federation.core.scoping import require_in_scope
from federation.core.services import StaleRecordError, domain_record_raise_version
from federation.ledgers.columns import Column, Facts
from federation.ledgers.imports.cells import clean_text
from federation.ledgers.imports.preview import preview_rows, shown, unread_columns, village_warnings
from federation.ledgers.imports.reader import Table, read_ledger

# -- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One reason a row cannot be imported: its Excel row number, its column header, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("第 %(row)s 行【%(column)s】%(problem)s") % {
            "row": self.row,
            "column": self.column,
            "problem": self.reason,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportResult:
    """What an import did or, on a dry run or with errors, would do."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    noun: str = gettext_lazy("条")
    #: The first rows as they will be stored and where the file names another village (preview.py).
    preview: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _(
            "共 %(rows)s 行：新建 %(created)s %(noun)s，更新 %(updated)s %(noun)s，"
            "无变化 %(unchanged)s %(noun)s。"
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "noun": self.noun,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "written": self.written,
            "errors": [e.as_dict() for e in self.errors],
        }


# -- rows ------------------------------------------------------------------------------------------


class RowInvalid(Exception):  # noqa: N818 - a row that cannot be written, named as the user reads it
    """Raised inside :meth:`Importer.apply_row` after the row's reasons were recorded."""


@dataclass
class ImportRow:
    """One data row as an importer sees it: parsed values by field key, and where to put errors."""

    number: int
    values: dict[str, Any]
    present: frozenset[str]  # the keys the file has a column for
    errors: list[RowError]
    titles: dict[str, str]
    #: The typed values of the derived columns the import checks (``Column.checked``), by key.
    typed: dict[str, Any] = field(default_factory=dict)
    #: What the importer found or made for the row (its person, its entry), for those checks.
    record: Any = None

    def has(self, key: str) -> bool:
        """Return whether the file has a column for ``key`` (a blank cell still counts)."""
        return key in self.present

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def fail(self, key: str, reason: str) -> None:
        """Record ``reason`` (a translated text, lazy or not) under the column of ``key``."""
        self.errors.append(RowError(self.number, str(self.titles.get(key, key)), str(reason)))


# -- importers -------------------------------------------------------------------------------------

Outcome = str  # "created", "updated" or "unchanged"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
Progress = Callable[[int, int], None]


class Importer:
    """The base of every register's importer, for one village (and one year, for a yearly register)."""

    #: The ledger's name, as in the export registry (``persons``, ``left_behind_women`` ...).
    name: ClassVar[str]
    #: Other names it answers to (the roster is also the import of the women's ledger, ``women``).
    aliases: ClassVar[tuple[str, ...]] = ()
    #: The ledger's title, a str translated when the class is declared (``gettext("…")``, as every
    #: register's ``str(table.title)``): it is compared with and put into texts as it is.
    title: ClassVar[str]
    fields: ClassVar[Sequence[Column]]
    #: The permission a user needs to import it (besides the village in her scope).
    permission: ClassVar[str]
    yearly: ClassVar[bool] = True
    #: What the summary counts, e.g. 人 or 条 (``gettext_lazy``).
    noun: ClassVar[str] = gettext_lazy("条")
    #: Lines of the explanation sheet above the columns (``gettext_lazy`` texts).
    notes: ClassVar[Sequence[str]] = ()
    #: The field whose value must not repeat in the file (an ID number twice is named).
    unique_key: ClassVar[str | None] = "id_number"
    #: Model field name -> column key, where a model error is shown under another column.
    field_columns: ClassVar[dict[str, str]] = {}
    #: Model fields whose errors go under the ``person`` column (the row's 姓名 by default).
    person_column: ClassVar[str] = "name"
    #: The columns whose cells may name a village (村, 村组 written 大河村一组): a cell naming another
    #: village than the one chosen is warned of before the import is confirmed.
    village_keys: ClassVar[tuple[str, ...]] = ("village", "group")
    #: Whether :meth:`save` keeps the records for one batched write after the last row (see
    #: "batched writes" below) instead of saving each at once.
    bulk: ClassVar[bool] = False

    def __init__(self, village: Any, *, user: Any, year: int | None = None) -> None:
        """An import into ``village`` by ``user`` (a user, or the command line's ``SystemActor``)."""
        self.village = village
        self.user = user
        self.year = year if year is not None else dt.date.today().year  # noqa: DTZ011 - a calendar year

    # -- to be written by each importer --------------------------------------------------------------

    def prepare(self, rows: list[ImportRow]) -> None:
        """Fetch once what every row needs (e.g. the persons the file names), before the rows run."""

    def apply_row(self, row: ImportRow) -> Outcome:
        """Create or update the row's records with :meth:`save`; return created/updated/unchanged.

        Record each problem with ``row.fail(key, reason)`` (or let :meth:`save` record the model's)
        and raise :class:`RowInvalid`.
        """
        raise NotImplementedError

    # -- helpers for apply_row -----------------------------------------------------------------------

    @classmethod
    def specs(cls) -> list[tuple[str, list[str]]]:
        return [f.spec for f in cls.fields]

    @classmethod
    def field(cls, key: str) -> Column:
        return next(f for f in cls.fields if f.key == key)

    def column_of(self, model_field: str) -> str:
        if model_field in self.field_columns:
            return self.field_columns[model_field]
        if model_field in ("person", "__all__"):
            return self.person_column
        return model_field

    def validate(self, obj: models.Model, row: ImportRow, *, exclude: Iterable[str] = ()) -> None:
        """Run the model's ``full_clean()``; record each message under its column and raise RowInvalid."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self._record(exc, row)
            raise RowInvalid from None

    def _record(self, exc: ValidationError, row: ImportRow) -> None:
        for model_field, messages in exc.message_dict.items():
            for message in messages:
                row.fail(self.column_of(model_field), message)

    def save(
        self,
        obj: models.Model,
        row: ImportRow,
        *,
        exclude: Iterable[str] = (),
        clean: Callable[[], None] | None = None,
    ) -> None:
        """Check ``obj`` with its model's rules, then save it with this user in its history.

        With ``clean`` the check is :meth:`check`'s (the model's rules fed with what :meth:`prepare`
        fetched). An importer whose ``bulk`` is true keeps ``obj`` (:meth:`keep`) to be written with
        the others once every row passed, instead of saving it now.
        """
        if clean is None:
            self.validate(obj, row, exclude=exclude)
        else:
            self.check(obj, row, exclude=exclude, clean=clean)
        if self.bulk:
            self.keep(obj, row)
            return
        if isinstance(obj, DomainModel) and obj.pk is not None:
            # The version it was read at: someone's change since refuses the import (a record this
            # import wrote already, through another object of it, is its own change).
            written = self.__dict__.setdefault("_written", set())  # run() starts it empty
            expected = None if (type(obj), obj.pk) in written else obj.version
            try:
                domain_record_raise_version(obj, expected_version=expected)
            except StaleRecordError as exc:
                row.fail(self.person_column, changed_meanwhile([label for label, _value in exc.changes]))
                raise RowInvalid from None
            written.add((type(obj), obj.pk))
        history.save(obj, actor=self.user)

    @staticmethod
    def changed(obj: models.Model, values: dict[str, Any]) -> bool:
        """Set ``values`` on ``obj``; return whether any of them differs from what it held."""
        differs = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                differs = True
        return differs

    def check_typed(self, row: ImportRow) -> None:
        """Compare each checked derived column the row fills with what the system works out.

        Called once the row is applied (its ``record`` set, the values it changes in place), for
        every register alike: a typed value the column's ``derive`` does not accept is the row's
        error under that column, naming both values and what the system's comes from; raise
        :class:`RowInvalid` then. A column whose facts say nothing (no birth date) is not checked.
        """
        if not row.typed:
            return
        facts = Facts(row.values, row.record, self.year)
        for key, typed in row.typed.items():
            column = self.field(key)
            expected = column.derive(facts) if column.derive is not None else None
            if expected is None or typed in expected.accepted:
                continue
            row.fail(
                key,
                _("填的是 %(typed)s，%(basis)s应为 %(expected)s。请核对。")
                % {"typed": shown(column, typed), "basis": expected.basis, "expected": expected.shown},
            )
        if row.errors:
            raise RowInvalid

    # -- batched writes (optional: for registers imported by the thousand) ---------------------------
    #
    # Instead of :meth:`save` (a check and two queries a record, the row and its history), an importer
    # may :meth:`check` a record with rules that use what :meth:`prepare` fetched once, and
    # :meth:`keep` it: once every row passed (never on a dry run or with any bad row), :meth:`run`
    # writes what was kept with bulk_create / bulk_update, in the same transaction, each record with
    # its history row and this user (simple_history's bulk helpers). Rows still rely on the rows
    # above them: the importer keeps what it fetched up to date as rows are applied.

    def check(
        self,
        obj: models.Model,
        row: ImportRow,
        *,
        exclude: Iterable[str] = (),
        clean: Callable[[], None] | None = None,
    ) -> None:
        """Check ``obj`` as :meth:`validate` does, with ``clean`` in place of the model's ``clean()``.

        ``clean`` raises ``ValidationError`` as ``clean()`` does (the same rules, fed with what the
        importer fetched). ``exclude`` skips fields whose check would only ask the database what the
        importer already knows (a foreign key to a record it fetched or creates).
        """
        errors: dict[str, Any] = {}
        try:
            obj.clean_fields(exclude=list(exclude))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            (clean or obj.clean)()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            self._record(ValidationError(errors), row)
            raise RowInvalid

    def keep(self, obj: models.Model, row: ImportRow | None = None) -> None:
        """Keep the checked ``obj`` of ``row`` to be written once every row passed (created when it has
        no pk); a record kept twice is written once."""
        if not hasattr(self, "_kept"):
            self._kept: dict[int, tuple[models.Model, ImportRow | None]] = {}
        self._kept.setdefault(id(obj), (obj, row))

    def write_kept(self, batch_size: int = 1000) -> None:
        """Write what :meth:`keep` kept: new records by model (a model after those its foreign keys
        point to), then the changed ones, each with its history row (``+`` or ``~``) naming this user."""
        from django.utils import timezone

        kept = list(getattr(self, "_kept", {}).values())
        self._kept = {}
        new: dict[type[models.Model], list[models.Model]] = {}
        changed: dict[type[models.Model], list[models.Model]] = {}
        for obj, _row in kept:
            (changed if obj.pk is not None else new).setdefault(type(obj), []).append(obj)
        try:
            with transaction.atomic():  # a savepoint: after a clash, the records it names can be read
                for model in _referenced_first(list(new)):
                    self.create_now(new[model], batch_size=batch_size)
                now = timezone.now()
                for model, objs in changed.items():
                    if issubclass(model, DomainModel):
                        self._raise_versions(model, [(obj, row) for obj, row in kept if type(obj) is model])
                    fields = [
                        f
                        for f in model._meta.concrete_fields
                        if not f.primary_key and not getattr(f, "auto_now_add", False)
                    ]
                    for f in fields:
                        if getattr(f, "auto_now", False):
                            for obj in objs:
                                setattr(obj, f.attname, now)
                    names = [f.name for f in fields]
                    history.bulk_update(objs, names, actor=self.user, batch_size=batch_size)
        except IntegrityError:
            self.clash_row = self._clashing_row(kept)
            raise

    @staticmethod
    def _raise_versions(model: type[DomainModel], kept: list[tuple[Any, ImportRow | None]]) -> None:
        """Give each kept record of ``model`` the version after its stored row's (locked); raise
        :class:`RecordChanged` naming the first row whose record someone changed since it was read."""
        kept = [(obj, row) for obj, row in kept if obj.pk is not None]
        stored: dict[Any, int] = {}
        pks = [obj.pk for obj, _row in kept]
        for start in range(0, len(pks), 900):  # SQLite allows 999 parameters a statement
            chunk = model.all_objects.select_for_update().filter(pk__in=pks[start : start + 900])
            stored.update(chunk.values_list("pk", "version"))
        moved = [row.number if row else None for obj, row in kept if stored.get(obj.pk) != obj.version]
        if moved:
            raise RecordChanged(min((n for n in moved if n is not None), default=None))
        for obj, _row in kept:
            obj.version = stored[obj.pk] + 1

    def create_now(self, objs: list[models.Model], *, batch_size: int = 1000) -> None:
        """Create ``objs`` (all of one model) at once, each with its ``+`` history row naming this user
        (``federation.core.history.bulk_create``), as saving each would."""
        history.bulk_create(objs, actor=self.user, batch_size=batch_size)

    @staticmethod
    def _clashing_row(kept: list[tuple[models.Model, ImportRow | None]]) -> int | None:
        """Return the number of the first kept row whose unique value someone saved meanwhile."""
        by_field: dict[tuple[type[models.Model], str], dict[Any, list]] = {}
        for obj, row in kept:
            for f in obj._meta.concrete_fields:
                value = getattr(obj, f.attname)
                if f.unique and not f.primary_key and value is not None and row is not None:
                    by_field.setdefault((type(obj), f.attname), {}).setdefault(value, []).append((obj, row))
        clashes: list[int] = []
        for (model, attname), holders in by_field.items():
            found = model._base_manager.filter(**{f"{attname}__in": list(holders)})
            for value, pk in found.values_list(attname, "pk"):
                clashes += [row.number for obj, row in holders[value] if obj.pk != pk]
        return min(clashes, default=None)

    # -- the run -------------------------------------------------------------------------------------

    def parse(self, table: Table) -> tuple[list[ImportRow], list[RowError]]:
        """Parse every cell of every row; return the rows and every cell error."""
        titles = {f.key: f.import_label for f in self.fields}
        titles.update({key: column.title for key, column in table.mapping.items()})
        present = frozenset(table.mapping)
        errors: list[RowError] = []
        for f in self.fields:
            if f.required and f.key not in table.mapping:
                errors.append(
                    RowError(
                        table.header_rows[0],
                        f.import_label,
                        _("找不到“%(column)s”列：请检查表头或列的对应关系。") % {"column": f.import_label},
                    )
                )
        if errors:
            return [], errors
        rows: list[ImportRow] = []
        fields = [f for f in self.fields if f.key in table.mapping]
        first_row_of: dict[Any, int] = {}
        for raw in table.rows:
            row = ImportRow(raw.number, {}, present, [], titles)
            for f in fields:
                if f.key in raw.formulas and f.derived:
                    continue  # a formula of a column the system works out: nothing typed to check
                if f.key in raw.formulas:
                    shown = clean_text(raw.values.get(f.key))
                    row.fail(
                        f.key,
                        _(
                            "是公式（%(formula)s）：系统不计算公式。请复制这一列，“选择性粘贴”为数值后重新上传。"
                        )
                        % {"formula": shown},
                    )
                    continue
                value, error = f.parse(raw.values.get(f.key))
                if error:
                    row.fail(f.key, error)
                    continue
                if f.checked:
                    if value is not None:
                        row.typed[f.key] = value
                    continue
                row.values[f.key] = value
            unique = self.unique_key and row.values.get(self.unique_key)
            if unique:
                if unique in first_row_of:
                    row.fail(
                        self.unique_key, _("与第 %(row)s 行的身份证号重复。") % {"row": first_row_of[unique]}
                    )
                else:
                    first_row_of[unique] = row.number
            errors.extend(row.errors)
            rows.append(row)
        return rows, errors

    def run(self, table: Table, *, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
        """Check every row and write them all in one transaction, or nothing (see the module).

        Refuse (``PermissionDenied``) a user whose role may not import this ledger or whose scope
        does not hold the village: the same write-side check as every service's.
        """
        if not self.user.has_perm(self.permission):
            raise PermissionDenied(_("您的角色不能导入%(ledger)s。") % {"ledger": self.title})
        require_in_scope(self.user, self.village, _("只能导入本人负责的村的台账。"))
        result = ImportResult(rows=len(table.rows), noun=self.noun)
        rows, errors = self.parse(table)
        result.errors = errors
        result.preview = preview_rows(self.fields, table, rows)
        result.preview["unread"] = unread_columns(self.fields, table)
        result.warnings = village_warnings(table, self.village, self.village_keys, dict(self._titles(table)))
        bad_rows = {e.row for e in errors}
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        current = table.header_rows[-1]
        self._kept = {}
        self._written: set[tuple[type[models.Model], Any]] = set()
        self.clash_row: int | None = None
        try:
            with transaction.atomic():
                self.prepare([r for r in rows if r.number not in bad_rows])
                for index, row in enumerate(rows, start=1):
                    current = row.number
                    if row.number not in bad_rows:
                        row.errors = []
                        try:
                            outcome = self.apply_row(row)
                            self.check_typed(row)
                            counts[outcome] += 1
                        except RowInvalid:
                            if not row.errors:
                                row.fail(self.person_column, _("这一行不能导入。"))
                            result.errors.extend(row.errors)
                    if progress is not None and (index % 200 == 0 or index == len(rows)):
                        progress(index, len(rows))
                if not result.errors and not dry_run:
                    self.write_kept()
                if result.errors or dry_run:
                    raise _RollBack
        except _RollBack:
            pass
        except RecordChanged as exc:
            column = dict(self._titles(table)).get(self.person_column, _("姓名"))
            result.errors.append(RowError(exc.row or current, column, changed_meanwhile([])))
        except IntegrityError:
            current = self.clash_row or current  # the row a batched write found clashing
            column = dict(self._titles(table)).get(self.person_column, _("姓名"))
            reason = _(
                "保存时发现这条记录刚被别人登记（如同一身份证号），什么也没有写入。"
                "请重新上传，系统会重新检查。"
            )
            result.errors.append(RowError(current, column, reason))
        result.errors.sort(key=lambda e: e.row)
        result.created, result.updated, result.unchanged = counts[CREATED], counts[UPDATED], counts[UNCHANGED]
        result.written = not result.errors and not dry_run
        return result

    def _titles(self, table: Table) -> Iterable[tuple[str, str]]:
        for f in self.fields:
            column = table.mapping.get(f.key)
            yield f.key, column.title if column is not None else f.import_label

    def read(self, source: Any, *, mapping: dict[str, int] | None = None, **options: Any) -> Table:
        """Read ``source`` safely with this ledger's columns (see :func:`read_ledger`)."""
        return read_ledger(source, self.specs(), mapping=mapping, **options)

    def import_file(
        self,
        source: Any,
        *,
        dry_run: bool = False,
        mapping: dict[str, int] | None = None,
        progress: Progress | None = None,
        **options: Any,
    ) -> ImportResult:
        """Read and import ``source``; raise ``ImportRefused`` for a file refused before reading."""
        return self.run(self.read(source, mapping=mapping, **options), dry_run=dry_run, progress=progress)


def _referenced_first(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """Return ``models_`` so that a model comes after the models its foreign keys point to."""
    ordered: list[type[models.Model]] = []
    left = list(models_)
    while left:
        ready = next(
            (
                m
                for m in left
                if not any(
                    f.related_model in left and f.related_model is not m
                    for f in m._meta.concrete_fields
                    if f.is_relation
                )
            ),
            left[0],  # a cycle: keep the order they were kept in
        )
        ordered.append(ready)
        left.remove(ready)
    return ordered


class _RollBack(Exception):  # noqa: N818 - internal signal, never seen by users
    pass


class RecordChanged(Exception):  # noqa: N818 - a record changed under the import, named by its row
    """Raised when a record an import updates was changed by someone since the import read it."""

    def __init__(self, row: int | None) -> None:
        super().__init__(row)
        self.row = row


def changed_meanwhile(labels: Sequence[str]) -> str:
    """Return the row message of a record someone changed while the import ran (naming the fields)."""
    if labels:
        return _(
            "导入期间别人修改了这条记录（%(fields)s），什么也没有写入。请重新上传，系统会按新的内容重新检查。"
        ) % {"fields": "、".join(labels)}
    return _("导入期间别人修改了这条记录，什么也没有写入。请重新上传，系统会按新的内容重新检查。")


# -- the registry ----------------------------------------------------------------------------------

_IMPORTERS: dict[str, type[Importer]] = {}
_discovered = False
_complete = False
_discover_lock = threading.RLock()


def register(importer: type[Importer]) -> type[Importer]:
    """Register an importer class (use as a class decorator in ``<app>/imports.py``)."""
    if importer.name in _IMPORTERS and _IMPORTERS[importer.name] is not importer:
        raise ValueError(f"importer {importer.name!r} registered twice")
    for name in (importer.name, *importer.aliases):
        _IMPORTERS[name] = importer
    return importer


def unregister(importer: type[Importer]) -> None:
    """Take ``importer`` (and its other names) out of the table (a test's throw-away importer)."""
    for name in (importer.name, *importer.aliases):
        if _IMPORTERS.get(name) is importer:
            del _IMPORTERS[name]


def _discover() -> None:
    """Fill the table from every app's ``imports.py``, once a process.

    Threads of one worker (gunicorn's gthread) wait for the first to finish; a look-up made by a
    module while it is being discovered (the same thread) returns what is registered so far.
    """
    global _discovered, _complete  # noqa: PLW0603 - discovered once per process
    if _complete:
        return
    with _discover_lock:
        if not _discovered:
            _discovered = True
            autodiscover_modules("imports")
            _complete = True


def get_importer(name: str) -> type[Importer] | None:
    _discover()
    return _IMPORTERS.get(name)


def all_importers() -> list[type[Importer]]:
    """Return every importer once, in the order they were registered."""
    _discover()
    return list(dict.fromkeys(_IMPORTERS.values()))


def importers_for(user: Any) -> list[type[Importer]]:
    """Return the importers ``user`` may use (her role's permission)."""
    return [imp for imp in all_importers() if user.has_perm(imp.permission)]


def may_import(user: Any) -> bool:
    """Return whether ``user`` may import some ledger into some village of her scope (the 导入 entry)."""
    from federation.core.models import Village

    if user is None or not user.is_authenticated:
        return False
    return bool(importers_for(user)) and Village.objects.for_user(user).exists()
