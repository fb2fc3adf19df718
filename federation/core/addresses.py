"""Addresses worked out once a process: the menu is on every page, and a list links each of its
50 rows (and a register's 100 candidates above them) to its record's page. ``reverse`` is a
search of the URLconf each time; these keep its answer for the running script prefix and URLconf.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


def kept_reverse(url_name: str, *args: Any) -> str | None:
    """Return ``reverse(url_name, args=args)``, or None where there is no such page, worked out once
    a process (behind a proxy the script prefix is part of the address, and of what is kept)."""
    return _reversed(url_name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=512)
def _reversed(url_name: str, args: tuple, _prefix: str, urlconf: Any) -> str | None:
    try:
        return reverse(url_name, args=args, urlconf=urlconf)
    except NoReverseMatch:
        return None


#: A pk no record has, that :func:`record_address` finds again in the address it was reversed into.
_PK_MARK = 987654321987654321


def record_address(url_name: str, pk: Any) -> str:
    """Return the address of the page ``url_name`` of record ``pk``: the page's address reversed once
    a process, the pk put in its place. No page (or no pk): ``NoReverseMatch``, as ``reverse``."""
    around = kept_reverse(url_name, _PK_MARK) if pk is not None else None
    if around is None:
        return reverse(url_name, args=[pk])  # raises what reverse raises
    head, _mark, tail = around.partition(str(_PK_MARK))
    return f"{head}{pk}{tail}"
