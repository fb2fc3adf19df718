"""Migration outreach 0011: old visits get the group they were made for (a poor woman's, 贫困妇女; every
other, 留守妇女). A short walk: only 0011 is unapplied and applied again."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.migrations import migrate_to, migrate_to_newest, old_villages

BEFORE = [("outreach", "0010_lectures")]
AFTER = [("outreach", "0011_visit_any_group")]


@pytest.mark.django_db(transaction=True)
def test_old_visits_of_a_poor_woman_are_for_poor_women_and_the_others_for_left_behind_women():
    old = migrate_to(BEFORE, others_newest=True)
    Person = old.get_model("registry", "Person")
    (village,) = old_villages(old, "红旗村")
    poor, left, both = (
        Person.objects.create(village=village, name=n) for n in ("贫困甲", "留守乙", "两者丙")
    )
    Poor, Woman = old.get_model("registry", "PoorWoman"), old.get_model("registry", "LeftBehindWoman")
    Poor.objects.create(
        person=poor, village=village, year=2025, reason="illness", entered_on=dt.date(2025, 3, 18)
    )
    Poor.objects.create(
        person=both, village=village, year=2026, reason="illness", entered_on=dt.date(2026, 3, 18)
    )
    Woman.objects.create(person=left, village=village, year=2026, entered_on=dt.date(2026, 3, 18))
    Woman.objects.create(person=both, village=village, year=2026, entered_on=dt.date(2026, 3, 18))
    Visit = old.get_model("outreach", "Visit")
    visits = {
        "poor, the year after her entry": Visit.objects.create(
            person=poor, village=village, visited_on=dt.date(2026, 5, 1), visitors="张红"
        ),
        "poor, two years after": Visit.objects.create(
            person=poor, village=village, visited_on=dt.date(2027, 5, 1), visitors="张红"
        ),
        "left-behind": Visit.objects.create(
            person=left, village=village, visited_on=dt.date(2026, 5, 1), visitors="张红"
        ),
        "on both registers": Visit.objects.create(
            person=both, village=village, visited_on=dt.date(2026, 5, 1), visitors="张红"
        ),
    }

    New = migrate_to(AFTER, others_newest=True).get_model("outreach", "Visit")
    groups = {key: New._base_manager.get(pk=visit.pk).visited_for for key, visit in visits.items()}
    assert groups == {
        "poor, the year after her entry": "poor",
        "poor, two years after": "left_behind",  # no entry of that year or the year before: the default
        "left-behind": "left_behind",
        "on both registers": "left_behind",
    }
    migrate_to_newest()
