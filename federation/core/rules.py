"""What every app's rules share: a failed rule as the user reads it, and counting months and years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A failed rule: ``rule`` is a stable code, ``message`` says in Chinese what fails, ``field`` where."""

    rule: str
    message: str
    field: str | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later (the last day of the month when it does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def years_before(day: dt.date, years: int) -> dt.date:
    """Return the date ``years`` before ``day`` (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
