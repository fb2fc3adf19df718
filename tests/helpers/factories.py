"""factory_boy factories for the named world of tests/conftest.py, and the members of a household.

``member`` saves a person into a household (and its village); ``man_away`` one working in another
province, as a left-behind family's husband or father does.
"""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from federation.core.idnumber import make_id_number
from federation.core.models import County, Township, Village, VillageGroup
from registry.models import Household, Person, Relation

_sequence = itertools.count(2)
# 户号 of the households the helpers build for a test, apart from the factory's own (1, 2, … a process):
# one counter for all of them, so two households of one village in one test never share a number.
_household_numbers = itertools.count(50000)


def fresh_household_number() -> str:
    """Return a 户号 no other household of the test process has: neither a helper's nor the factory's."""
    return str(next(_household_numbers))


def id_number_for(birth_date: dt.date, sex: str, region: str = "513401") -> str:
    """Return a fresh valid ID number of the given birth date and sex (even sequence: woman)."""
    while True:
        seq = next(_sequence) % 1000
        if (seq % 2 == 1) == (sex == "M"):
            return make_id_number(region, birth_date, seq)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    name = "示范县"
    code = "513401"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ["code"]

    county = factory.SubFactory(CountyFactory)
    name = "幸福乡"
    code = "513401105000"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")
    code = factory.Sequence(lambda n: f"513401105{201 + n:03d}")


class VillageGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageGroup
        django_get_or_create = ["village", "number"]  # a village's group is known by its number

    village = factory.SubFactory(VillageFactory)
    number = factory.Sequence(lambda n: n + 1)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.SubFactory(VillageFactory)
    group = factory.LazyAttribute(lambda o: VillageGroupFactory(village=o.village))
    number = factory.Sequence(lambda n: f"{n + 1:04d}")
    address = factory.LazyAttribute(lambda o: f"{o.village.name}{o.group}")


class PersonFactory(factory.django.DjangoModelFactory):
    """A woman born on 18 March 1985 with a fresh valid ID number, in no household unless told."""

    class Meta:
        model = Person

    village = factory.SubFactory(VillageFactory)
    household = None
    relation = ""
    name = factory.Sequence(lambda n: f"居民{n}")
    sex = "F"
    birth_date = dt.date(1985, 3, 18)
    id_number = factory.LazyAttribute(lambda o: id_number_for(o.birth_date, o.sex))

    class Params:
        member_of = factory.Trait(relation=Relation.HEAD)


def member(household: Household, relation: str, name: str, birth_date: dt.date, **fields) -> Person:
    """Return a new person of ``household`` (and of its village), ``relation`` to its head."""
    fields.update(village=household.village, household=household, relation=relation)
    return PersonFactory(name=name, birth_date=birth_date, **fields)


def man_away(
    household: Household, relation: str, name: str, birth_date: dt.date, away_since: dt.date, **fields
) -> Person:
    """Return a new man of ``household`` who has worked in another province since ``away_since``."""
    fields.update(sex="M", work_place="out_province", away_since=away_since)
    return member(household, relation, name, birth_date, **fields)
