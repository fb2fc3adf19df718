"""Who exports, for which unit, with which filters: what every builder and row function is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from federation.core import policy
from federation.core.actors import SystemActor, unit_label, user_unit
from federation.core.idnumber import mask_id_number
from federation.core.models import County, Township, Village, VillageGroup, year_settings

#: The list filters an export keeps (the list page's query string): year, group, search, village,
#: and a few a list may add (persons: register, missing_id; petitions: state, category).
EXTRA_FILTERS = ("register", "missing_id", "state", "category")


def _int(value: Any) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class ExportFilters:
    """The filters of a list page, kept by its export buttons; every field may be empty."""

    year: int | None = None
    group_id: int | None = None
    village_id: int | None = None
    search: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> ExportFilters:
        """Return the filters read from a query string (``request.GET``) or a stored dict."""
        extra = {name: str(query.get(name, ""))[:50] for name in EXTRA_FILTERS if query.get(name)}
        return cls(
            year=_int(query.get("year")),
            group_id=_int(query.get("group")),
            village_id=_int(query.get("village")),
            search=str(query.get("q", "")).strip()[:50],
            extra=extra,
        )

    def as_query(self) -> dict[str, Any]:
        """Return the filters as query-string names (what ``from_query`` reads back)."""
        query: dict[str, Any] = {
            "year": self.year,
            "group": self.group_id,
            "village": self.village_id,
            "q": self.search,
            **self.extra,
        }
        return {name: value for name, value in query.items() if value not in (None, "")}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ExportContext:
    """What an export knows while it runs: the actor, the filters, the year and the unit.

    ``multi_village`` says the rows come from more than one village: then the 村组 column names
    the village too (红旗村一组), and a PDF is made village by village.
    """

    user: Any
    filters: ExportFilters
    year: int
    ages_on: dt.date
    adult_age: int
    unit: Village | Township | County | None
    unit_label: str
    reporter: str
    made_on: dt.date
    multi_village: bool
    full_id_numbers: bool
    settings: Any = None

    @classmethod
    def build(cls, *, user: Any, filters: ExportFilters, village: Village | None = None) -> ExportContext:
        """Return the context of an export by ``user``; ``village`` narrows it to one of her villages."""
        year = filters.year or timezone.localdate().year
        settings = year_settings(year)
        unit = village or user_unit(user)
        villages = Village.objects.for_user(user)
        if village is not None:
            villages = villages.filter(pk=village.pk)
        if filters.village_id:
            villages = villages.filter(pk=filters.village_id)
        if filters.group_id:
            villages = villages.filter(groups__id=filters.group_id)
        narrowed = list(villages.select_related("township")[:2])
        if len(narrowed) == 1 and not isinstance(unit, Village):
            unit = narrowed[0]
        reporter = ""
        if not isinstance(user, SystemActor):
            reporter = user.get_full_name() or user.get_username()
        return cls(
            user=user,
            filters=filters,
            year=year,
            ages_on=settings.ages_on,
            adult_age=settings.adult_age,
            unit=unit,
            unit_label=unit_label(unit),
            reporter=reporter,
            made_on=timezone.localdate(),
            multi_village=len(narrowed) > 1,
            full_id_numbers=policy.can_see_full_id_number(user),
            settings=settings,
        )

    def id_number(self, number: str | None) -> str:
        """Return an ID number as the actor may see it (``federation.core.policy``: whole or masked)."""
        if not number:
            return ""
        return number if self.full_id_numbers else mask_id_number(number)

    def village_group(self, village_name: str, group: VillageGroup | str | None) -> str:
        """Return the 村组 cell: the group, preceded by the village when the export spans villages."""
        group_text = str(group) if group else ""
        return f"{village_name}{group_text}" if self.multi_village else (group_text or village_name)

    @property
    def scope_code(self) -> str:
        return getattr(self.unit, "code", "") or ""
