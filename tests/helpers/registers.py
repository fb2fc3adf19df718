"""Builders of register records and the addresses of the registers' pages, for the register tests.

``make_record`` saves a valid record of any of the six registers (its person and household made for
it); ``form_data`` is the POST data a browser sends for a register's form as it is shown.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from federation.core.models import VillageGroup
from federation.web.registers import registers
from registry import models
from tests.helpers.factories import HouseholdFactory, fresh_household_number, man_away, member

YEAR = 2026

MODELS = {
    "leftbehindchild": models.LeftBehindChild,
    "hardshipchild": models.HardshipChild,
    "leftbehindwoman": models.LeftBehindWoman,
    "poorwoman": models.PoorWoman,
    "villagedirector": models.VillageDirector,
    "womenshome": models.WomensHome,
}
PERSON_REGISTERS = ["leftbehindchild", "hardshipchild", "leftbehindwoman", "poorwoman"]
#: The models of the registers of persons, in the order of ``PERSON_REGISTERS``.
PERSON_REGISTER_MODELS = tuple(MODELS[key] for key in PERSON_REGISTERS)

_names = itertools.count(1)


# --- Building records --------------------------------------------------------------------------


def new_household(village, per_capita_income=None, income_year=YEAR, **fields):
    """Return a new household of ``village``, with its income of ``income_year`` when given."""
    group = VillageGroup.objects.filter(village=village).first()
    household = HouseholdFactory(village=village, group=group, number=fresh_household_number(), **fields)
    if per_capita_income is not None:
        models.HouseholdIncome.objects.create(
            household=household, year=income_year, per_capita_income=per_capita_income
        )
    return household


def left_behind_woman(village, name=None, *, away_since=dt.date(2025, 1, 1)):
    """Return a woman of ``village`` who meets the left-behind conditions of ``YEAR``."""
    household = new_household(village)
    woman = member(
        household, "head", name or f"留守{next(_names)}", dt.date(1988, 5, 6), marital_status="married"
    )
    man_away(household, "spouse", f"{woman.name}丈夫", dt.date(1986, 1, 1), away_since)
    return woman


def a_child(village, name=None):
    household = new_household(village)
    man_away(household, "head", f"父亲{next(_names)}", dt.date(1985, 1, 1), dt.date(2024, 1, 1))
    return member(household, "child", name or f"儿童{next(_names)}", dt.date(2015, 6, 1))


def an_orphan(village, name=None):
    """Return a child of ``village`` whose father and mother (head and spouse) are recorded deceased."""
    household = new_household(village)
    member(household, "head", f"亡父{next(_names)}", dt.date(1984, 1, 1), sex="M", deceased=True)
    member(household, "spouse", f"亡母{next(_names)}", dt.date(1986, 1, 1), deceased=True)
    return member(household, "child", name or f"儿童{next(_names)}", dt.date(2015, 6, 1))


def a_poor_woman(village, name=None):
    household = new_household(
        village, income_year=timezone.localdate().year, per_capita_income=Decimal("1800")
    )
    return member(household, "head", name or f"贫困{next(_names)}", dt.date(1975, 2, 3))


def unsaved_record(key, village, name=None):
    """Return a valid, unsaved record of register ``key`` in ``village`` (its person is saved)."""
    if key == "leftbehindchild":
        child = a_child(village, name)
        return models.LeftBehindChild(
            person=child,
            year=YEAR,
            parents_away="father",
            guardian_name="奶奶",
            guardian_relation="grandparent",
            school="村小",
        )
    if key == "hardshipchild":
        return models.HardshipChild(
            person=an_orphan(village, name),
            year=YEAR,
            reason="both_dead",
            guardian_name="爷爷",
            guardian_relation="grandparent",
        )
    if key == "leftbehindwoman":
        return models.LeftBehindWoman(person=left_behind_woman(village, name), year=YEAR)
    if key == "poorwoman":
        return models.PoorWoman(person=a_poor_woman(village, name), year=YEAR, reason="illness")
    if key == "villagedirector":
        return models.VillageDirector(
            village=village,
            name=name or f"主任{next(_names)}",
            work_unit=f"{village.name}村委会",
            birth_month=dt.date(1980, 5, 1),
            education="senior",
            political_status="party",
            in_office_since=dt.date(2018, 1, 1),
            committee_seat="both",
            phone="13800000000",
        )
    if key == "womenshome":
        return models.WomensHome(village=village, signed_up=True, signed_up_on=dt.date(2024, 1, 1))
    raise AssertionError(key)


def make_record(key, village, name=None, **fields):
    """Return a valid record of register ``key`` saved in ``village``, ``fields`` instead of the usual."""
    record = unsaved_record(key, village, name)
    for field, value in fields.items():
        setattr(record, field, value)
    record.full_clean()
    record.save()
    return record


def form_data(key, instance, **changes) -> dict:
    """Return the POST data a browser sends for the form of ``instance`` as it is shown."""
    form = registers.get(key).form_class()(instance=instance)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value is False:
            continue  # an unticked box is not sent
        elif value is None:
            data[name] = ""
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def urls(key, record=None) -> dict[str, str]:
    names = {"list": [], "create": [], "deleted": []}
    if record is not None:
        names = {page: [record.pk] for page in ("detail", "update", "delete", "restore")}
    return {page: reverse(f"registry:{key}_{page}", args=args) for page, args in names.items()}


def list_url(key, **params) -> str:
    url = reverse(f"registry:{key}_list")
    if key in PERSON_REGISTERS:
        params.setdefault("year", YEAR)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}?{query}" if query else url


def person_form_data(person, **changes):
    data = {
        "household": person.household_id or "",
        "relation": person.relation,
        "name": person.name,
        "id_number": person.id_number or "",
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "marital_status": person.marital_status,
        "education": person.education,
        "political_status": person.political_status,
        "employment": person.employment,
        "work_place": person.work_place,
        "work_place_detail": person.work_place_detail,
        "away_since": "",
        "version": person.version,
    }
    data.update(changes)
    return data
