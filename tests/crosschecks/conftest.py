"""The cross-checks' world: the named world with register entries for the lists to find."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from registry.models import LeftBehindChild
from tests.helpers.factories import PersonFactory, id_number_for, member
from tests.helpers.registers import a_poor_woman, make_record, new_household


@pytest.fixture
def cast(world):
    """Return the people the tests' lists name (see each one's comment)."""
    c = SimpleNamespace(world=world)
    # Poor women marked 低保: one on the 低保 list, one not.
    c.listed_poor = make_record("poorwoman", world.village_a, "低保甲", in_dibao=True).person
    c.unlisted_poor = make_record("poorwoman", world.village_a, "低保乙", in_dibao=True)
    # A woman of a household below the line, not on the poor women's register.
    c.poor_unregistered = a_poor_woman(world.village_a, "低收入丙")
    # A woman of a household above the line, whose row has no valid ID number (a weak match).
    household = new_household(world.village_a, per_capita_income=Decimal("9000"))
    c.head = member(household, "head", "户主丁", dt.date(1970, 1, 1), sex="M")
    c.weak = member(household, "spouse", "妻子丁", dt.date(1972, 3, 3))
    # Registered in another township: outside the staff's scope.
    c.outsider = PersonFactory(village=world.village_c, name="外乡人")
    c.unknown_id = id_number_for(dt.date(1990, 1, 1), "F", region="110101")
    return c


@pytest.fixture
def children(world):
    """Return two left-behind children of 红旗村 (away for work, not boarding) and their fathers, and
    one whose entry already says both (在看守所, 寄宿)."""
    c = SimpleNamespace()
    c.entry = make_record("leftbehindchild", world.village_a, "留守甲")
    c.child, c.father = c.entry.person, c.entry.person.household.members.get(relation="head")
    c.done = make_record("leftbehindchild", world.village_a, "留守乙", away_reason="detention", boarding=True)
    c.done_father = c.done.person.household.members.get(relation="head")
    assert LeftBehindChild.objects.count() == 2
    return c
