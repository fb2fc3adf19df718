"""The site's named pages, found from its URL patterns (the tests that walk every page of a kind)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def named_pages(patterns=None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Yield (namespaced URL name, pattern) of every named page of the site (or of ``patterns``)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_pages(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def without_arguments(pattern: URLPattern) -> bool:
    """Return whether the page's address takes no argument (a list, a new record's form)."""
    return "<" not in str(pattern.pattern)
