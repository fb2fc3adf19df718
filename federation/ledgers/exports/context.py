"""Who exports, for which unit, with which filters: what every builder and row function is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from federation.core import policy
from federation.core.idnumber import mask_id_number
from federation.core.models import County, Membership, Township, Village, VillageGroup, year_settings
from federation.core.roles import Role, role_permissions
from federation.core.scoping import membership_of

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


class SystemActor:
    """A user-like actor for the command line: scoped to exactly one unit, with a township's permissions.

    The scoping rule (``federation.core.scoping.scope_q``) reads its membership as it reads any user's:
    a village gives the rows of that village, a township those of its villages, a county those of
    its townships. Nothing else in the code knows it is not a person. Its permissions are those of
    the township staff role, so it sees whole ID numbers.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None
    username = "system"

    def __init__(self, unit: Village | Township | County):
        if isinstance(unit, Village):
            self.membership = Membership(role=Role.VILLAGE_DIRECTOR, village=unit)
        elif isinstance(unit, Township):
            self.membership = Membership(role=Role.TOWNSHIP_STAFF, township=unit)
        elif isinstance(unit, County):
            self.membership = Membership(role=Role.COUNTY_VIEWER, county=unit)
        else:
            raise TypeError(f"not an org unit: {unit!r}")
        self.unit = unit
        self._permissions = frozenset(role_permissions()[Role.TOWNSHIP_STAFF])

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Return True for the permissions of the township staff role."""
        return perm in self._permissions

    def get_full_name(self) -> str:
        return ""

    def __str__(self) -> str:
        return f"系统（{unit_label(self.unit)}）"


def unit_by_code(code: str) -> Village | Township | County | None:
    """Return the village or township of a 12-digit division code, or the county of a 6-digit one."""
    code = (code or "").strip()
    if len(code) == 12 and code.isdigit():
        return (
            Village.objects.select_related("township").filter(code=code).first()
            or Township.objects.filter(code=code).first()
        )
    if len(code) == 6 and code.isdigit():
        return County.objects.filter(code=code).first()
    return None


def unit_label(unit: Village | Township | County | None) -> str:
    """Return a unit's name as the ledger's 填报单位: 幸福乡红旗村, 幸福乡 or 示范县."""
    if isinstance(unit, Village):
        return f"{unit.township.name}{unit.name}"
    return unit.name if unit is not None else "全部"


def user_unit(user: Any) -> Village | Township | County | None:
    """Return the unit of the user's membership (None for a superuser without one)."""
    membership = getattr(user, "membership", None) if isinstance(user, SystemActor) else membership_of(user)
    if membership is None:
        return None
    unit = membership.unit
    if isinstance(unit, Village):
        unit = Village.objects.select_related("township").get(pk=unit.pk)
    return unit


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
