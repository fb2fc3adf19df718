"""The fields every app declares the same way: a link to a township, a village or another record, the
log-in who did something, an amount that may be left empty.

A factory's field is the one a model would declare by hand, options and all: changing a default
here changes every model that uses it (and its migration state: ``makemigrations --check`` says so).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOWNSHIP = _("乡镇")
VILLAGE = _("村")


def link_field(
    to: Any,
    related_name: str,
    verbose_name: Any,
    *,
    optional: bool = False,
    on_delete: Any = models.PROTECT,
    **options: Any,
) -> models.ForeignKey:
    """Return a foreign key to ``to`` that keeps the row it names (``PROTECT``, unless ``on_delete``
    says otherwise); an ``optional`` link may be left empty."""
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(
        to, on_delete=on_delete, related_name=related_name, verbose_name=verbose_name, **options
    )


def township_field(related_name: str, *, verbose_name: Any = TOWNSHIP, **options: Any) -> models.ForeignKey:
    """Return the link of a record to its township (乡镇); ``options`` as ``link_field``'s."""
    return link_field("federation.Township", related_name, verbose_name, **options)


def village_field(related_name: str, *, verbose_name: Any = VILLAGE, **options: Any) -> models.ForeignKey:
    """Return the link of a record to its village (村); ``optional=True`` for a record that may be its
    township's own (the village left empty); ``options`` as ``link_field``'s."""
    return link_field("federation.Village", related_name, verbose_name, **options)


def user_field(
    verbose_name: Any, *, related_name: str = "+", blank: bool = True, **options: Any
) -> models.ForeignKey:
    """Return the field of the log-in who did something (exported, imported, reported, purged): emptied,
    not deleted with her, when her log-in is deleted (the record keeps her name beside it)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def amount_field(
    verbose_name: Any, *validators: Any, max_digits: int = 10, decimal_places: int = 2, **options: Any
) -> models.DecimalField:
    """Return a number that may be left empty, checked by ``validators``: yuan to the fen (up to
    99,999,999.99) unless the digits say otherwise."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        validators=list(validators),
        **options,
    )
