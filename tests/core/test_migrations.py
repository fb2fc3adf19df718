"""Migrations that move data: what an old database held is there after, and back.

One walk for all of them. The database goes back to the state the first case needs; each case writes
its rows in the state just before its migration, as the models stood then; the walk goes on forward to
the next case's state, and to the newest migrations once at the end, where every case is checked. A walk
over every migration takes a minute on the office's 2-core machine (Django renders each state's
models), so a walk a case cost the suite five minutes on each database.

The walk meets the states in this order: federation 0008 (the installation flag), ledgers unapplied and
federation 0005 (the ledger records' move), registry 0007 (group and household numbers), registry 0012
and 0015 and back to 0012 (the entries' village), registry 0016 (the entries' dates), registry 0020
(the entries' names), the newest.
outreach 0011 (visits of any group) is walked alone in tests/outreach/test_visit_group_migration.py: it
unapplies one migration only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.helpers.migrations import migrate_to, migrate_to_newest

BEFORE_FLAG = [("federation", "0008_login_security")]
FLAG = [("federation", "0009_installation")]
BEFORE_MOVE = [("ledgers", None), ("federation", "0005_import_record")]
BEFORE_NUMBERS = [("registry", "0007_constraint_messages")]
BEFORE_VILLAGE = [("registry", "0012_person_search_index")]
AFTER_VILLAGE = [("registry", "0015_register_entry_village_required")]
# The entries' dates read the year's reference date, which federation 0015 keeps.
BEFORE_DATES = [("registry", "0016_person_name_bigrams"), ("federation", "0015_reminders")]
BEFORE_NAMES = [("registry", "0020_aid_programmes")]


@pytest.mark.django_db(transaction=True)
def test_an_old_database_keeps_what_it_held_through_every_migration_that_moves_data():
    flags = flag_each_kind_of_database()
    move = ledger_records_before_their_move(migrate_to(BEFORE_MOVE))
    numbers = persons_before_their_numbers(migrate_to(BEFORE_NUMBERS))
    village = entries_before_their_village(migrate_to(BEFORE_VILLAGE))
    entries_get_their_village(village, migrate_to(AFTER_VILLAGE))
    going_back_keeps_the_entries(village, migrate_to(BEFORE_VILLAGE))
    dates = entries_before_their_dates(migrate_to(BEFORE_DATES))
    names = entries_before_their_names(migrate_to(BEFORE_NAMES))

    migrate_to_newest()

    assert flags == [("demo", ["admin", "cun01"]), ("office", []), None]
    ledger_records_moved(move)
    persons_numbered(numbers)
    entries_keep_their_village(village)
    entries_dated(dates)
    entries_named(names)


# --- federation 0009: the installation flag ---------------------------------------------------------------


def flag_each_kind_of_database() -> list:
    """federation 0009 on the three databases an upgrade meets: the old demo's (its accounts recorded),
    one set up by hand through the admin (an office), an empty one (unflagged). Each case runs 0009 alone
    and goes back to 0008 again."""
    cases = [
        ("513401105000", ["admin", "cun01", "someone"]),
        ("513401106000", ["admin"]),
        (None, []),
    ]
    seen = []
    for township_code, usernames in cases:
        old = migrate_to(BEFORE_FLAG)
        County, Township = old.get_model("federation", "County"), old.get_model("federation", "Township")
        User = old.get_model("auth", "User")
        Township.objects.all().delete()
        County.objects.all().delete()
        User.objects.all().delete()
        if township_code:
            county = County.objects.create(code="513401", name="示范县")
            Township.objects.create(county=county, code=township_code, name="乡")
        for username in usernames:
            User.objects.create(username=username)

        Installation = migrate_to(FLAG).get_model("federation", "Installation")
        flagged = Installation.objects.first()
        seen.append((flagged.kind, flagged.demo_accounts) if flagged else None)
        Installation.objects.all().delete()
    return seen


# --- ledgers 0001: the export and import records move out of federation -----------------------------------


def ledger_records_before_their_move(old) -> dict:
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    # Unapplying the move named the content types "federation" again, as an existing office has them.
    content_type = ContentType.objects.get(app_label="federation", model="exportrecord")
    permission = Permission.objects.get(content_type=content_type, codename="view_exportrecord")
    record = old.get_model("federation", "ExportRecord").objects.create(
        requested_by="王芳", ledger="women", title="妇女基本信息台账", scope="幸福乡", format="xlsx"
    )
    return {"content_type": content_type.pk, "permission": permission.pk, "record": record.pk}


def ledger_records_moved(move: dict) -> None:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from federation.ledgers.models import ExportRecord

    assert ExportRecord.objects.get(pk=move["record"]).requested_by == "王芳"
    moved = ContentType.objects.get(pk=move["content_type"])
    assert (moved.app_label, moved.model) == ("ledgers", "exportrecord")
    assert Permission.objects.get(pk=move["permission"]).content_type_id == moved.pk
    assert not ContentType.objects.filter(app_label="federation", model="exportrecord").exists()


# --- registry 0008 and 0010: persons and households keep their group and household numbers ---------------


def units(old):
    """The county, township and two villages of every case (the first case to need them makes them)."""
    County, Township = old.get_model("federation", "County"), old.get_model("federation", "Township")
    Village = old.get_model("federation", "Village")
    county, _ = County.objects.get_or_create(code="513401", defaults={"name": "示范县"})
    township, _ = Township.objects.get_or_create(
        code="513401105000", defaults={"county": county, "name": "幸福乡"}
    )
    red, _ = Village.objects.get_or_create(
        code="513401105201", defaults={"township": township, "name": "红旗村"}
    )
    victory, _ = Village.objects.get_or_create(
        code="513401105202", defaults={"township": township, "name": "胜利村"}
    )
    return red, victory


def persons_before_their_numbers(old) -> dict:
    red, _ = units(old)
    Group = old.get_model("federation", "VillageGroup")
    Household, Person = old.get_model("registry", "Household"), old.get_model("registry", "Person")
    group = Group.objects.create(village=red, number=3, name="三组")
    household = Household.objects.create(village=red, group=group, number="0042")
    woman = Person.objects.create(village=red, household=household, name="妇女甲")
    gone = Person.objects.create(village=red, household=household, name="已删除", deleted_at=timezone.now())
    alone = Person.objects.create(village=red, name="无户")
    return {"household": household.pk, "woman": woman.pk, "gone": gone.pk, "alone": alone.pk}


def persons_numbered(numbers: dict) -> None:
    from registry.models import Household, Person

    persons = [numbers["woman"], numbers["gone"], numbers["alone"]]
    keys = dict(Person.all_objects.filter(pk__in=persons).values_list("pk", "group_number"))
    assert keys == {numbers["woman"]: 3, numbers["gone"]: 3, numbers["alone"]: None}
    assert Person.all_objects.get(pk=numbers["woman"]).household_number == "0042"
    assert Person.all_objects.get(pk=numbers["alone"]).household_number == ""
    assert Household.all_objects.get(pk=numbers["household"]).group_number == 3


# --- registry 0013-0015: every register entry (deleted ones and history rows too) gets its person's village -


LIVE = {"woman": "LeftBehindWoman", "poor": "PoorWoman", "child": "LeftBehindChild"}


def entries_before_their_village(old) -> dict:
    red, victory = units(old)
    Person = old.get_model("registry", "Person")
    woman = Person.objects.create(village=red, name="妇女甲")
    other = Person.objects.create(village=victory, name="妇女乙")
    child = Person.objects.create(village=victory, name="儿童丙")
    Woman, Poor = old.get_model("registry", "LeftBehindWoman"), old.get_model("registry", "PoorWoman")
    Child = old.get_model("registry", "LeftBehindChild")
    entries = [
        ("woman", Woman.objects.create(person=woman, year=2026).pk, red.pk),
        ("woman", Woman.objects.create(person=other, year=2026).pk, victory.pk),
        (
            "poor",
            Poor.objects.create(person=other, year=2025, reason="illness", deleted_at=timezone.now()).pk,
            victory.pk,
        ),
        (
            "child",
            Child.objects.create(
                person=child,
                year=2026,
                parents_away="both",
                guardian_name="奶奶",
                guardian_relation="grandparent",
            ).pk,
            victory.pk,
        ),
    ]
    history = old.get_model("registry", "HistoricalLeftBehindWoman").objects.create(
        id=entries[0][1],
        person_id=woman.pk,
        year=2026,
        history_date=timezone.now(),
        history_type="+",
        created_at=timezone.now(),
        updated_at=timezone.now(),
        version=1,
    )
    return {"entries": entries, "history": history.history_id, "red": red.pk, "other": other.pk}


def entries_get_their_village(village: dict, after) -> None:
    """Checked at registry 0015, before the walk goes back: the three migrations forward only."""
    found = [
        (kind, pk, after.get_model("registry", LIVE[kind])._base_manager.get(pk=pk).village_id)
        for kind, pk, _ in village["entries"]
    ]
    assert found == village["entries"]
    History = after.get_model("registry", "HistoricalLeftBehindWoman")
    assert History._base_manager.get(history_id=village["history"]).village_id == village["red"]


def going_back_keeps_the_entries(village: dict, back) -> None:
    assert back.get_model("registry", "LeftBehindWoman").objects.count() == 2
    assert back.get_model("registry", "PoorWoman")._base_manager.get().person_id == village["other"]


def entries_keep_their_village(village: dict) -> None:
    from registry import models

    child = next(pk for kind, pk, _ in village["entries"] if kind == "child")
    assert models.LeftBehindChild.objects.get(pk=child).village_id == village["entries"][-1][2]


# --- registry 0017-0018: old entries get the reference date of their year as their entry date ------------


def entries_before_their_dates(old) -> dict:
    red, _ = units(old)
    old.get_model("federation", "YearSettings").objects.create(year=2025, reference_date=dt.date(2025, 3, 30))
    woman = old.get_model("registry", "Person").objects.create(village=red, name="妇女丁")
    Woman, Poor = old.get_model("registry", "LeftBehindWoman"), old.get_model("registry", "PoorWoman")
    return {
        "2025": Woman.objects.create(person=woman, village=red, year=2025).pk,
        "2026": Woman.objects.create(person=woman, village=red, year=2026).pk,
        "poor 2024": Poor.objects.create(person=woman, village=red, year=2024, reason="illness").pk,
    }


def entries_dated(dates: dict) -> None:
    from registry import models

    entered = {
        "2025": models.LeftBehindWoman.all_objects.get(pk=dates["2025"]).entered_on,
        "2026": models.LeftBehindWoman.all_objects.get(pk=dates["2026"]).entered_on,
        "poor 2024": models.PoorWoman.all_objects.get(pk=dates["poor 2024"]).entered_on,
    }
    # 18 March, the register's default reference date, where the year's settings name none.
    assert entered == {
        "2025": dt.date(2025, 3, 30),
        "2026": dt.date(2026, 3, 18),
        "poor 2024": dt.date(2024, 3, 18),
    }
    assert models.LeftBehindWoman.all_objects.get(pk=dates["2025"]).exited_on is None


# --- registry 0021: every entry (deleted ones too) keeps its person's name ------------------------------


def entries_before_their_names(old) -> dict:
    red, victory = units(old)
    Person = old.get_model("registry", "Person")
    woman, other = (
        Person.objects.create(village=red, name="妇女梅"),
        Person.objects.create(village=victory, name="乙"),
    )
    child = Person.objects.create(village=victory, name="儿童梅")
    return {
        "woman": entered(old, "LeftBehindWoman", woman),
        "other": entered(old, "LeftBehindWoman", other),
        "poor": entered(old, "PoorWoman", woman, reason="illness", deleted_at=timezone.now()),
        "child": entered(old, "HardshipChild", child, reason="both_dead", guardian_name="奶奶"),
    }


def entered(old, register: str, person, **fields) -> tuple[int, str]:
    """Return the pk of ``person``'s new 2026 entry in ``register`` (in her village), and her name."""
    entry = old.get_model("registry", register).objects.create(
        person=person, village_id=person.village_id, year=2026, entered_on=dt.date(2026, 3, 18), **fields
    )
    return entry.pk, person.name


def entries_named(names: dict) -> None:
    from registry import models

    found = {
        "woman": models.LeftBehindWoman.all_objects.get(pk=names["woman"][0]).person_name,
        "other": models.LeftBehindWoman.all_objects.get(pk=names["other"][0]).person_name,
        "poor": models.PoorWoman.all_objects.get(pk=names["poor"][0]).person_name,
        "child": models.HardshipChild.all_objects.get(pk=names["child"][0]).person_name,
    }
    assert found == {kind: name for kind, (_pk, name) in names.items()}
    # Entries written before 0021 (the cases above) have theirs too.
    assert not models.LeftBehindWoman.all_objects.filter(person_name="").exists()
