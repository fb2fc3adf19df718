"""Migrations registry 0013-0015: every register entry (deleted ones and history rows too) gets its
person's village, and going back leaves the entries as they were."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.helpers.migrations import migrate_to, migrate_to_newest

BEFORE = [("registry", "0012_person_search_index")]
AFTER = [("registry", "0015_register_entry_village_required")]


@pytest.mark.django_db(transaction=True)
def test_every_entry_gets_its_persons_village_and_going_back_keeps_the_entries():
    old = migrate_to(BEFORE)
    County, Township = old.get_model("federation", "County"), old.get_model("federation", "Township")
    Village, Person = old.get_model("federation", "Village"), old.get_model("registry", "Person")
    county = County.objects.create(code="513401", name="示范县")
    township = Township.objects.create(county=county, code="513401105000", name="幸福乡")
    red = Village.objects.create(township=township, code="513401105201", name="红旗村")
    victory = Village.objects.create(township=township, code="513401105202", name="胜利村")
    woman = Person.objects.create(village=red, name="妇女甲")
    other = Person.objects.create(village=victory, name="妇女乙")
    child = Person.objects.create(village=victory, name="儿童丙")
    Woman, Poor = old.get_model("registry", "LeftBehindWoman"), old.get_model("registry", "PoorWoman")
    Child = old.get_model("registry", "LeftBehindChild")
    entries = {
        Woman: [Woman.objects.create(person=woman, year=2026), Woman.objects.create(person=other, year=2026)],
        Poor: [Poor.objects.create(person=other, year=2025, reason="illness", deleted_at=timezone.now())],
        Child: [
            Child.objects.create(
                person=child,
                year=2026,
                parents_away="both",
                guardian_name="奶奶",
                guardian_relation="grandparent",
            )
        ],
    }
    history = old.get_model("registry", "HistoricalLeftBehindWoman").objects.create(
        id=entries[Woman][0].pk,
        person_id=woman.pk,
        year=2026,
        history_date=timezone.now(),
        history_type="+",
        created_at=timezone.now(),
        updated_at=timezone.now(),
        version=1,
    )

    # Forward through the three migrations only, then back, then to the newest once: each walk over
    # every migration takes a minute on the 2-core machine.
    after = migrate_to(AFTER)
    live = {Woman: "LeftBehindWoman", Poor: "PoorWoman", Child: "LeftBehindChild"}
    villages = {
        (live[model], entry.pk): after.get_model("registry", live[model])
        ._base_manager.get(pk=entry.pk)
        .village_id
        for model, rows in entries.items()
        for entry in rows
    }
    assert villages == {
        ("LeftBehindWoman", entries[Woman][0].pk): red.pk,
        ("LeftBehindWoman", entries[Woman][1].pk): victory.pk,
        ("PoorWoman", entries[Poor][0].pk): victory.pk,
        ("LeftBehindChild", entries[Child][0].pk): victory.pk,
    }
    History = after.get_model("registry", "HistoricalLeftBehindWoman")
    assert History._base_manager.get(history_id=history.history_id).village_id == red.pk

    back = migrate_to(BEFORE)
    assert back.get_model("registry", "LeftBehindWoman").objects.count() == 2
    assert back.get_model("registry", "PoorWoman").objects.get().person_id == other.pk
    migrate_to_newest()
    from registry import models

    assert models.LeftBehindChild.objects.get().village_id == victory.pk
