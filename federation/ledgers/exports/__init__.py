"""Ledgers out: county-format ledgers to Excel and PDF, from one declarative definition per register.

- ``definitions``: the layouts (``Table`` with ``Column`` and ``ColumnGroup``; ``Card``).
- ``registry``: the one table of ledgers (``Ledger``, ``register``, ``get_ledger``); each app adds its
  own in ``<app>/exports.py``.
- ``context``: who exports what (``ExportContext``, ``ExportFilters``, ``SystemActor``).
- ``xlsx`` and ``pdf``: one builder per format, fed by the same rows.
- ``services``: build, record, run now or in the background; ``tasks``: the background task;
  ``views`` and ``urls``: the export buttons, progress and downloads.
"""

from federation.ledgers.exports.definitions import Card, CardField, Column, ColumnGroup, Kind, Table, Total
from federation.ledgers.exports.registry import Ledger, all_ledgers, get_ledger, register

__all__ = [
    "Card",
    "CardField",
    "Column",
    "ColumnGroup",
    "Kind",
    "Ledger",
    "Table",
    "Total",
    "all_ledgers",
    "get_ledger",
    "register",
]
