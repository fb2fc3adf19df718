"""A model's ledger and its importer, with what follows from the model and from the ledger.

A ledger of a model's records (:func:`model_ledger`) is read with the model's view permission and
exported from its list page (``<app>:<model>_list``). The importer that reads such a ledger back
(:class:`LedgerImporter`) has the ledger's name, title and columns and the model's add permission;
it writes one record a row (:meth:`LedgerImporter.store`) and names a row that repeats an earlier
row's record (:meth:`LedgerImporter.repeated`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from federation.core.scoping import TOWNSHIP_RECORDS
from federation.ledgers.columns import import_columns, with_model_choices
from federation.ledgers.exports.registry import Ledger
from federation.ledgers.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportRow,
    Outcome,
    RowInvalid,
)


def model_ledger(
    model: type[models.Model],
    name: str,
    layout: Any,
    queryset: Any,
    *,
    ledger_class: type[Ledger] = Ledger,
    **attrs: Any,
) -> Ledger:
    """Return the ledger ``name`` of ``model``'s records, read with its view permission and exported from
    its list page, unless ``attrs`` say otherwise."""
    meta = model._meta
    defaults = {
        "permission": f"{meta.app_label}.view_{meta.model_name}",
        "list_views": (f"{meta.app_label}:{meta.model_name}_list",),
    }
    return ledger_class(name=name, layout=layout, queryset=queryset, **{**defaults, **attrs})


class LedgerImporter(Importer):
    """An importer that writes one record a row, declared with what it reads and writes::

        class VisitImporter(LedgerImporter, ledger=VISITS_LEDGER, model=Visit): ...

    takes the ledger's name, title (translated when the class is declared, see ``Importer.title``)
    and columns (a choice column of a model field allows that field's choices), and the permission to
    add the model's records. The ledger is its register's, unless the register names others.
    """

    ledger: Ledger | None = None

    def __init_subclass__(cls, *, ledger: Ledger | None = None, model: Any = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if ledger is not None:
            cls.ledger = ledger
            cls.name = ledger.name
            cls.title = str(ledger.layout.title)
            cls.fields = import_columns(ledger.layout.declared_columns)
        if model is not None:
            cls.fields = with_model_choices(cls.fields, model)
            cls.permission = f"{model._meta.app_label}.add_{model._meta.model_name}"

    def run(self, table: Any, **options: Any) -> Any:
        self.first_rows: dict[Any, int] = {}
        return super().run(table, **options)

    def own_unit(self, row: ImportRow, column: str, *, township_refused: str, elsewhere: str) -> Any:
        """Return the unit a record of the row belongs to, named in ``column``: the importer's village
        (also when blank), or None for its township's own record, which only a user who keeps the
        township's records may import (else fail the row with ``township_refused``); any other name
        fails the row with ``elsewhere`` (``%(text)s``, ``%(village)s``, ``%(township)s``)."""
        text = (row.get(column) or "").strip()
        village = self.village
        if text in ("", village.name):
            return village
        township = village.township
        if text == township.name and self.user.has_perm(TOWNSHIP_RECORDS):
            return None
        message = township_refused if text == township.name else elsewhere
        row.fail(column, message % {"text": text, "village": village.name, "township": township.name})
        raise RowInvalid

    def repeated(self, row: ImportRow, key: Any, column: str, message: str) -> bool:
        """Return whether an earlier row of the file has ``key``; if so fail ``row`` under ``column`` with
        ``message``, which names that row (``%(row)s``)."""
        first = self.first_rows.setdefault(key, row.number)
        if first != row.number:
            row.fail(column, message % {"row": first})
        return first != row.number

    def store(
        self,
        record: models.Model,
        values: dict[str, Any],
        row: ImportRow,
        *,
        also_changed: bool = False,
        before_save: Callable[[], None] | None = None,
    ) -> Outcome:
        """Return UNCHANGED when ``record`` is not new and ``values`` (nor, said by ``also_changed``,
        anything else of it) change nothing; else set them, run ``before_save`` (which may refuse the
        row), save it and return CREATED or UPDATED."""
        is_new = record.pk is None
        if not self.changed(record, values) and not is_new and not also_changed:
            return UNCHANGED
        if before_save is not None:
            before_save()
        self.save(record, row)
        return CREATED if is_new else UPDATED
