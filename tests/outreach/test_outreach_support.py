"""The outreach builders of tests/helpers/outreach.py obey the registers' rules."""

from __future__ import annotations

import datetime as dt

from registry.rules import left_behind_woman_problems
from registry.selectors import left_behind_woman_candidates
from tests.helpers.outreach import YEAR, left_behind_family


def test_the_left_behind_family_meets_the_registers_rules(world):
    woman = left_behind_family(world.village_a, name="李秀兰")
    assert left_behind_woman_problems(woman=woman, on=dt.date(YEAR, 3, 18), at_registration_place=True) == []
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR)  # the list offers her
