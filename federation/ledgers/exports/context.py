"""Who exports, for which unit, with which filters: what every builder and row function is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core import policy
from federation.core.actors import SystemActor, unit_label, user_unit
from federation.core.masking import mask_id_number, mask_phone
from federation.core.models import County, Township, Village, VillageGroup, year_settings
from federation.ledgers.columns import Column, ColumnGroup, Kind
from federation.ledgers.exports.definitions import Card, CardField, Layout, Table

#: The list filters an export keeps (the list page's query string): year, group, search, village,
#: township (the county viewer's), and a few a list may add (persons: register, missing_id;
#: petitions: state, category; visits: visited_for; aid and pairings: kind).
#: A register's list also keeps the day its entries are active on (``on``) or ``active=year``.
EXTRA_FILTERS = (
    "register",
    "missing_id",
    "state",
    "category",
    "on",
    "active",
    "visited_for",
    "kind",
    "status",
    "level",
    "signed",
)


def _int(value: Any) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class ExportFilters:
    """The filters of a list page, kept by its export buttons; every field may be empty."""

    year: int | None = None
    group_id: int | None = None
    village_id: int | None = None
    township_id: int | None = None
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
            township_id=_int(query.get("township")),
            search=str(query.get("q", "")).strip()[:50],
            extra=extra,
        )

    def as_query(self) -> dict[str, Any]:
        """Return the filters as query-string names (what ``from_query`` reads back)."""
        query: dict[str, Any] = {
            "year": self.year,
            "group": self.group_id,
            "village": self.village_id,
            "township": self.township_id,
            "q": self.search,
            **self.extra,
        }
        return {name: value for name, value in query.items() if value not in (None, "")}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def villages(self, villages: Any) -> Any:
        """Return the queryset ``villages`` narrowed to the filters' township, village and group."""
        if self.township_id:
            villages = villages.filter(township_id=self.township_id)
        if self.village_id:
            villages = villages.filter(pk=self.village_id)
        if self.group_id:
            villages = villages.filter(groups__id=self.group_id)
        return villages


AGE_HEADER = gettext_lazy("年龄")

#: A row's values as the ledger gives them -> as the actor sees them (None: as they are).
RowShown = Callable[[Sequence[Any]], list[Any]]
CardShown = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Shown:
    """A layout as the export's actor sees it (``ExportContext.shown``).

    ``layout`` is what the builder lays out; ``row`` turns a row of the declared table (in its
    columns' order) into a row of ``layout``, ``card`` a card's values by key; both are None when
    the actor sees everything whole. ``note`` is added to the 注 block when something is masked.
    """

    layout: Layout
    row: RowShown | None = None
    card: CardShown | None = None
    note: str = ""


_DROP = object()


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
    def build(
        cls,
        *,
        user: Any,
        filters: ExportFilters,
        village: Village | None = None,
        as_of: dt.date | None = None,
    ) -> ExportContext:
        """Return the context of an export by ``user``; ``village`` narrows it to one of her villages.
        Ages are counted on ``as_of`` (the day the ledger is as of), by default the year's reference date."""
        year = filters.year or timezone.localdate().year
        settings = year_settings(year)
        unit = village or user_unit(user)
        villages = filters.villages(Village.objects.for_user(user))
        if village is not None:
            villages = villages.filter(pk=village.pk)
        narrowed = list(villages.select_related("township")[:2])
        if len(narrowed) == 1 and not isinstance(unit, Village):
            unit = narrowed[0]
        elif filters.township_id and narrowed and not isinstance(unit, Village | Township):
            unit = narrowed[0].township  # the county viewer's export of one township
        reporter = ""
        if not isinstance(user, SystemActor):
            reporter = user.get_full_name() or user.get_username()
        return cls(
            user=user,
            filters=filters,
            year=year,
            ages_on=as_of or settings.ages_on,
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

    def masked_age(self, birth: Any) -> int | None:
        """Return the age in whole years on the ledger's reference date shown in place of ``birth``."""
        return policy.masked_age(birth if isinstance(birth, dt.date) else None, self.ages_on)

    def shown(self, layout: Layout) -> Shown:
        """Return ``layout`` as the actor sees it (``federation.core.policy``).

        A role that sees personal data whole gets the layout as declared. A masked role gets ID
        numbers and phones masked and no birth date: a birth-date column (``Column.birth``) is
        left out when the table has a 年龄 column already, and becomes 年龄 in its place when it
        has none; a card's birth date the same way.
        """
        if self.full_id_numbers:
            return Shown(layout)
        if isinstance(layout, Card):
            return self._shown_card(layout)
        return self._shown_table(layout)

    def _value_rule(self, kind: Kind, birth: bool, has_age: bool) -> Any:
        """Return how a masked role gets a value: a function, ``_DROP``, or None (as it is)."""
        if birth:
            return _DROP if has_age else self.masked_age
        if kind is Kind.ID_NUMBER:
            return self.id_number
        if kind is Kind.PHONE:
            return lambda value: mask_phone(value) if value else value
        return None

    def _shown_table(self, table: Table) -> Shown:
        has_age = any(c.key == "age" or str(c.header) == str(AGE_HEADER) for c in table.leaves)
        rules = [self._value_rule(c.kind, c.birth, has_age) for c in table.leaves]
        if not any(rules):
            return Shown(table)

        def shown_column(column: Column) -> Column | None:
            if not column.birth:
                return column
            if has_age:
                return None
            return replace(column, header=AGE_HEADER, kind=Kind.INT, birth=False, width=None, read=False)

        columns: list[Column | ColumnGroup] = []
        for item in table.columns:
            if isinstance(item, ColumnGroup):
                inner = tuple(c for c in map(shown_column, item.columns) if c is not None)
                if inner:
                    columns.append(ColumnGroup(item.header, inner))
            elif (column := shown_column(item)) is not None:
                columns.append(column)

        def row(values: Sequence[Any]) -> list[Any]:
            return [
                rule(value) if rule else value
                for value, rule in zip(values, rules, strict=True)
                if rule is not _DROP
            ]

        return Shown(replace(table, columns=tuple(columns)), row=row, note=self._masked_note(table.leaves))

    def _shown_card(self, card: Card) -> Shown:
        fields = card.fields
        has_age = any(f.key == "age" for f in fields)
        rules = {f.key: rule for f in fields if (rule := self._value_rule(f.kind, f.birth, has_age))}
        if not rules:
            return Shown(card)

        def shown_field(f: CardField) -> CardField | None:
            if not f.birth:
                return f
            return None if has_age else replace(f, label=AGE_HEADER, kind=Kind.TEXT, birth=False)

        sections = tuple(
            (heading, tuple(f for f in map(shown_field, section) if f is not None))
            for heading, section in card.sections
        )

        def values_shown(values: Mapping[str, Any]) -> dict[str, Any]:
            shown = dict(values)
            for key, rule in rules.items():
                if rule is _DROP:
                    shown.pop(key, None)
                elif key in shown:
                    shown[key] = rule(shown[key])
            return shown

        return Shown(replace(card, sections=sections), card=values_shown, note=self._masked_note(fields))

    @staticmethod
    def _masked_note(columns: Sequence[Column | CardField]) -> str:
        """Return the 注 line that tells the reader what this export masks."""
        parts = []
        if any(c.kind is Kind.ID_NUMBER for c in columns):
            parts.append(_("身份证号只显示前 3 位和后 4 位"))
        if any(c.kind is Kind.PHONE for c in columns):
            parts.append(_("电话号码隐藏中间 4 位"))
        if any(c.birth for c in columns):
            parts.append(_("不显示出生日期，以统计截止日的周岁年龄代替"))
        if not parts:
            return ""
        return _("按个人信息保护要求，%(what)s。") % {"what": "；".join(parts)}

    def village_group(self, village_name: str, group: VillageGroup | str | None) -> str:
        """Return the 村组 cell: the group, preceded by the village when the export spans villages."""
        group_text = str(group) if group else ""
        return f"{village_name}{group_text}" if self.multi_village else (group_text or village_name)

    @property
    def scope_code(self) -> str:
        return getattr(self.unit, "code", "") or ""
