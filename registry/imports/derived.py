"""What the registers' derived columns are worked out from, for the import's check (``Column.derive``).

A file may fill a column the system works out (年龄, 丈夫外出时长（月）); the import compares what it
says with these (``federation.ledgers.imports.framework.Importer.check_typed``) and refuses a row that
disagrees, naming both values. A register kept all year is filled on any day of it, so each accepts
the values that held on some day of the import's year, and names the one of its reference date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from federation.core.idnumber import age_on, parse_id_number
from federation.core.models import year_settings
from federation.ledgers.columns import Expected, Facts
from registry.rules import spouse_of


def _day(day: dt.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def _month(day: dt.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": day.year, "month": day.month}


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _reference(year: int) -> str:
    """Return the year's reference date as the messages name it: 2014年3月18日（统计截止日）."""
    return _("%(day)s（%(year)s 年度统计截止日）") % {"day": _day(year_settings(year).ages_on), "year": year}


def row_person(facts: Facts) -> Any:
    """Return the person of a row: the importer's record, or the person of its register entry."""
    record = facts.record
    return getattr(record, "person", record) if record is not None else None


def age(facts: Facts) -> Expected | None:
    """Return the ages (周岁) the person had during the year, by her birth date (or the row's ID
    number); None when neither tells."""
    person = row_person(facts)
    birth = getattr(person, "birth_date", None)
    from_id = bool(getattr(person, "id_number", None))
    if birth is None and facts.values.get("id_number"):
        try:
            birth, from_id = parse_id_number(facts.values["id_number"]).birth_date, True
        except ValidationError:
            return None
    if birth is None:
        return None
    first, last = _year_bounds(facts.year)
    on = year_settings(facts.year).ages_on
    dates = {"birth": _day(birth), "on": _reference(facts.year)}
    if from_id:
        basis = _("按身份证号（%(birth)s出生）到 %(on)s算") % dates
    else:
        basis = _("按登记的出生日期 %(birth)s 到 %(on)s算") % dates
    return Expected(
        accepted=frozenset(range(age_on(birth, first), age_on(birth, last) + 1)),
        shown=_("%(age)s 岁") % {"age": age_on(birth, on)},
        basis=basis,
    )


def months_between(since: dt.date, on: dt.date) -> int:
    """Return the whole months from ``since`` to ``on`` (0 when ``on`` is before it)."""
    months = (on.year - since.year) * 12 + on.month - since.month - (1 if on.day < since.day else 0)
    return max(months, 0)


def husband_months(facts: Facts) -> Expected | None:
    """Return the months the husband had been away during the year, from the row's 外出时间 (or his
    registered one); None when neither tells."""
    since = facts.values.get("husband_since")
    if since is None:
        person = row_person(facts)
        husband = spouse_of(person) if person is not None and person.pk else None
        since = husband.away_since if husband is not None else None
    if since is None:
        return None
    first, last = _year_bounds(facts.year)
    on = year_settings(facts.year).ages_on
    return Expected(
        accepted=frozenset(range(months_between(since, first), months_between(since, last) + 1)),
        shown=_("%(months)s 个月") % {"months": months_between(since, on)},
        basis=_("按外出时间 %(since)s 到 %(on)s算") % {"since": _month(since), "on": _reference(facts.year)},
    )
