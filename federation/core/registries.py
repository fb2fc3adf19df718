"""Registries: how the domain apps contribute to the core without the core knowing them.

A :class:`Registry` is an ordered table of named contributions. The core and the generic layers
each keep theirs (role permissions here, demo seeders in ``federation.core.demo``, ledgers and
importers in ``federation.ledgers``, menu entries, home sections and register declarations in
``federation.web``); an app adds to them from the modules its ``AppConfig.ready()`` imports. The
code that reads a registry never names an app: a new app contributes by adding, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named contributions in the order they were added; ``what`` names them in error messages."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, key: str, item: T) -> T:
        """Add ``item`` under ``key`` and return it; another item under a key already taken is refused."""
        if key in self._items and self._items[key] is not item and self._items[key] != item:
            raise ValueError(f"{self.what} {key!r} is registered twice")
        self._items[key] = item
        return item

    def remove(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def sorted(self, key: Callable[[T], object]) -> list[T]:
        """Return the items ordered by ``key`` (ties keep the order they were added in)."""
        return sorted(self, key=key)

    @contextmanager
    def added(self, key: str, item: T) -> Iterator[T]:
        """Add ``item`` for the duration of a ``with`` block (tests declare throw-away contributions)."""
        self.add(key, item)
        try:
            yield item
        finally:
            self.remove(key)
