"""The one table of ledgers: name → layout, rows (through the scoping rule), permission, formats.

The web, the command line and the background tasks all look ledgers up here. Each domain app
declares its own in ``<app>/exports.py`` (``registry/exports.py``, later ``outreach/exports.py``,
``loans/exports.py``), which is imported the first time the table is read::

    from federation.ledgers.exports import Column, Ledger, Table, register

    register(Ledger(
        name="visits",
        layout=Table(title="农村留守妇女走访记录", columns=(Column("name", "姓名"), ...)),
        queryset=lambda user, filters: Visit.objects.for_user(user).filter(year=filters.year),
        row=lambda visit, ctx: (visit.woman.name, ...),
        permission="outreach.view_visit",
        list_views=("outreach:visit_list",),
    ))
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules

from federation.ledgers.exports.conf import CHUNK_SIZE
from federation.ledgers.exports.definitions import Card, Layout, Table

if TYPE_CHECKING:
    from federation.ledgers.exports.context import ExportContext, ExportFilters

FORMATS = ("xlsx", "pdf")

#: (user, filters) -> the scoped queryset of the ledger's records.
QuerysetFn = Callable[[Any, "ExportFilters"], QuerySet]
#: (record, context) -> the values of one row by column key (those its columns do not read themselves).
RowFn = Callable[[Any, "ExportContext"], Mapping[str, Any]]
#: (queryset, context) -> every row by column key; for a ledger that reads its rows in batches of its own.
RowsFn = Callable[[QuerySet, "ExportContext"], Iterator[Mapping[str, Any]]]


@dataclass(frozen=True)
class Ledger:
    """A registered ledger.

    ``queryset(user, filters)`` must go through the scoping rule (``Model.objects.for_user(user)``)
    and order its rows by village first, so that a township's rows come village by village.
    A row is built by column key, never by position: each column reads its own value from the
    record (its ``field`` or ``source``); ``row`` (record → {key: value}) gives the values the
    columns do not read themselves, or ``rows`` (the whole queryset → such mappings, read in
    batches of its own) gives them all. A card's ``row`` gives its fields by key.
    ``list_views`` are the URL names of the list pages whose export buttons give this ledger.
    ``pdf_per_village``: a township's or county's PDF is one file per village (in a ZIP), the
    default; ``False`` prints the whole scope as one PDF, for a ledger that is a summary of its
    villages (one row a village and a 合计) rather than village books. Either way a PDF holds at
    most ``LEDGER_PDF_MAX_ROWS`` rows; a longer one is split into parts.
    """

    name: str
    layout: Layout
    queryset: QuerysetFn
    permission: str
    row: RowFn | None = None
    rows: RowsFn | None = None
    formats: tuple[str, ...] = FORMATS
    list_views: tuple[str, ...] = ()
    yearly: bool = True
    pdf_per_village: bool = True
    #: The filters (``ExportFilters.extra``) an inspection pack builds this ledger with: the loans'
    #: approval forms that bear a signature, say (a draft's form is for printing, not for inspection).
    pack_filters: tuple[tuple[str, str], ...] = ()
    #: The day the ledger is as of, from the filters (its ages are counted at it and its notes say
    #: it); None: the year's reference date.
    as_of: Callable[[ExportFilters], Any] | None = None

    def as_of_date(self, filters: ExportFilters) -> Any:
        """Return the day this ledger is as of for ``filters``, or None for the year's reference date."""
        return self.as_of(filters) if self.as_of is not None else None

    def __post_init__(self) -> None:
        if self.row is not None and self.rows is not None:
            raise ValueError(f"ledger {self.name!r}: give row= or rows=, not both")
        if isinstance(self.layout, Card) and self.row is None:
            raise ValueError(f"ledger {self.name!r}: a card needs row=")
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise ValueError(f"ledger {self.name!r}: unknown formats {sorted(unknown)}")
        if isinstance(self.layout, Card) and "xlsx" in self.formats:
            raise ValueError(f"ledger {self.name!r}: a card is printed, it has no Excel format")

    @property
    def title(self) -> str:
        return str(self.layout.title)

    @property
    def is_table(self) -> bool:
        return isinstance(self.layout, Table)

    def records(self, user: Any, filters: ExportFilters, *, village_id: int | None = None) -> QuerySet:
        """Return the scoped queryset of ``user``'s rows, narrowed to one of her villages if asked,
        and to the filters' township (the county viewer's list of one township)."""
        qs = self.queryset(user, filters)
        if village_id is not None:
            qs = qs.filter(**{village_lookup(qs.model): village_id})
        if filters.township_id:
            qs = qs.filter(**{township_lookup(qs.model): filters.township_id})
        return qs

    def iter_rows(self, qs: QuerySet, ctx: ExportContext) -> Iterator[Any]:
        """Yield every row of ``qs`` (read ``CHUNK_SIZE`` records at a time) in the layout's column order.

        A card's rows are its ``row``'s mappings as they are.
        """
        if not isinstance(self.layout, Table):
            for record in qs.iterator(chunk_size=CHUNK_SIZE):
                yield self.row(record, ctx)
            return
        keys = [column.key for column in self.layout.leaves]
        if self.rows is not None:
            for values in self.rows(qs, ctx):
                yield [values[key] for key in keys]
            return
        getters = [(c.key, getter) for c in self.layout.leaves if (getter := c.getter()) is not None]
        row = self.row
        for record in qs.iterator(chunk_size=CHUNK_SIZE):
            values = {key: getter(record, ctx) for key, getter in getters}
            if row is not None:
                values.update(row(record, ctx))
            yield [values[key] for key in keys]

    def allowed(self, user: Any) -> bool:
        """Return True when ``user``'s role may export this ledger."""
        return bool(user.has_perm(self.permission))


def village_lookup(model: Any) -> str:
    """Return the lookup from ``model`` to its village's id, from the model's ``scope_path``.

    Used only to narrow rows already scoped by ``for_user`` to one of the user's villages.
    """
    path = model.scope_path
    return f"{path}_id" if path else "id"


def township_lookup(model: Any) -> str:
    """Return the lookup from ``model`` to its township's id: its ``township_path`` (a record that may
    belong to the township itself), else through its village's ``scope_path``."""
    path = getattr(model, "township_path", None)
    if path:
        return f"{path}_id"
    village = model.scope_path
    return f"{village}__township_id" if village else "township_id"


_LEDGERS: dict[str, Ledger] = {}
_discovered = False
_complete = False
_discover_lock = threading.RLock()


def register(ledger: Ledger) -> Ledger:
    """Add ``ledger`` to the table (an app's ``exports.py`` calls this at import) and return it."""
    if ledger.name in _LEDGERS and _LEDGERS[ledger.name] != ledger:
        raise ValueError(f"ledger {ledger.name!r} is registered twice")
    _LEDGERS[ledger.name] = ledger
    return ledger


def unregister(name: str) -> None:
    """Take the ledger called ``name`` out of the table (a test's throw-away ledger)."""
    _LEDGERS.pop(name, None)


def _discover() -> None:
    """Fill the table from every app's ``exports.py``, once a process.

    Threads of one worker (gunicorn's gthread) wait for the first to finish; a look-up made by a
    module while it is being discovered (the same thread) returns what is registered so far.
    """
    global _discovered, _complete
    if _complete:
        return
    with _discover_lock:
        if not _discovered:
            _discovered = True
            autodiscover_modules("exports")
            _complete = True


def get_ledger(name: str) -> Ledger | None:
    """Return the ledger called ``name``, or None."""
    _discover()
    return _LEDGERS.get(name)


def all_ledgers() -> list[Ledger]:
    """Return every registered ledger, in the order the apps registered them."""
    _discover()
    return list(_LEDGERS.values())


def ledgers_for_list(view_name: str) -> list[Ledger]:
    """Return the ledgers exported from the list page whose URL name is ``view_name``."""
    return [ledger for ledger in all_ledgers() if view_name in ledger.list_views]
