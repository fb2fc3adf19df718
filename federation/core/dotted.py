"""A value at a dotted path of an object (``person.household.group``), as pages and ledgers show it."""

from __future__ import annotations

from typing import Any


def resolve(obj: Any, path: str) -> Any:
    """Return the value at the dotted ``path`` of ``obj``, calling methods such as ``get_x_display``;
    None as soon as a step is None."""
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value):
            value = value()
    return value
