"""``manage.py seed_demo``: a realistic demo township that passes every rule of the registers.

The seed runs once for the module, inside a transaction that is rolled back at the end, so no row
leaks into other test modules; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from federation.core.idnumber import parse_id_number
from federation.core.models import Installation, Membership, Township, Village, VillageGroup
from federation.core.roles import Role
from registry.demo import DEMO_PASSWORD, REFERENCE_DATE, generate_demo
from registry.models import (
    HardshipChild,
    Household,
    HouseholdIncome,
    LeftBehindChild,
    Person,
    Relation,
    WorkPlace,
)
from tests.helpers.registers import PERSON_REGISTER_MODELS

VILLAGES = ["团结村", "红旗村", "胜利村", "光明村", "新民村", "和平村", "前进村", "东风村"]
EXPECTED_USERS = {
    "admin": (Role.ADMINISTRATOR, "示范县"),
    "county": (Role.COUNTY_VIEWER, "示范县"),
    "chair": (Role.TOWNSHIP_CHAIR, "幸福乡"),
    "staff": (Role.TOWNSHIP_STAFF, "幸福乡"),
    **{f"cun{i + 1:02d}": (Role.VILLAGE_DIRECTOR, name) for i, name in enumerate(VILLAGES)},
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run ``seed_demo`` once; return its output. Everything is rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def township(seeded, db):
    return Township.objects.get(code="513401105000")


def years_between(earlier: dt.date, later: dt.date) -> int:
    years = later.year - earlier.year
    return years - 1 if (later.month, later.day) < (earlier.month, earlier.day) else years


def test_the_township_has_its_eight_villages_with_groups(township):
    assert township.name == "幸福乡" and township.county.name == "示范县"
    villages = list(Village.objects.filter(township=township).order_by("code"))
    assert [v.name for v in villages] == VILLAGES
    assert [v.code for v in villages] == [f"513401105{n}" for n in range(201, 209)]
    for village in villages:
        numbers = list(VillageGroup.objects.filter(village=village).values_list("number", flat=True))
        assert 4 <= len(numbers) <= 7
        assert numbers == list(range(1, len(numbers) + 1))
    assert VillageGroup.objects.get(village=villages[0], number=3).name == "三组"


def test_about_two_thousand_households_and_six_thousand_persons(township, seeded):
    households = Household.objects.filter(village__township=township)
    persons = Person.objects.filter(village__township=township)
    assert 1800 <= households.count() <= 2200
    assert 5400 <= persons.count() <= 6600
    assert "村：8 个" in seeded and f"户：{households.count()} 户" in seeded
    assert f"居民：{persons.count()} 人" in seeded
    first = households.get(village__code="513401105201", number="0001")
    assert first.address.startswith("幸福乡团结村") and first.address.endswith("组")
    assert 2025 in [income.year for income in first.incomes.all()]
    # Every household has exactly one head, and the creation is in the history.
    heads = persons.filter(relation=Relation.HEAD).values_list("household_id", flat=True)
    assert sorted(heads) == sorted(households.values_list("id", flat=True))
    assert Person.history.filter(history_type="+").count() >= persons.count()
    assert Household.history.filter(history_type="+").count() >= households.count()


def test_id_numbers_are_valid_unique_and_match_sex_and_birth_date(township):
    rows = list(
        Person.objects.filter(village__township=township).values_list(
            "id_number", "id_last4", "sex", "birth_date"
        )
    )
    numbers = [row[0] for row in rows if row[0] is not None]
    assert len(numbers) == len(set(numbers))
    for number, last4, sex, birth_date in rows:
        if number is None:
            assert last4 == "" and sex in ("M", "F") and birth_date is not None
            continue
        parsed = parse_id_number(number)
        assert parsed.number == number
        assert (parsed.birth_date, parsed.sex) == (birth_date, sex)
        assert last4 == number[-4:]
    missing = len(rows) - len(numbers)
    assert 0.003 * len(rows) <= missing <= 0.03 * len(rows)
    regions = {number[:6] for number in numbers}
    assert "513401" in regions and len(regions) > 3


def test_a_sample_of_persons_and_households_passes_full_clean(township):
    ids = list(Person.objects.filter(village__township=township).values_list("id", flat=True))
    persons = list(Person.objects.filter(id__in=random.Random(7).sample(ids, 200)))
    households = list(Household.objects.filter(village__township=township)[:50])
    assert (len(persons), len(households)) == (200, 50)
    refused = {}
    for record in [*persons, *households]:
        try:
            record.full_clean()
        except ValidationError as error:
            refused[str(record)] = error.message_dict
    assert refused == {}


def test_every_register_entry_keeps_its_persons_village(township):
    for model in PERSON_REGISTER_MODELS:
        entries = model.all_objects.filter(person__village__township=township)
        assert entries.exists(), model
        assert not entries.exclude(village_id=F("person__village_id")).exists(), model


def test_families_are_consistent(township):
    members: dict[int, list[Person]] = {}
    for person in Person.objects.filter(village__township=township):
        members.setdefault(person.household_id, []).append(person)
    children_checked = 0
    for people in members.values():
        head = next(p for p in people if p.relation == Relation.HEAD)
        spouses = [p for p in people if p.relation == Relation.SPOUSE]
        assert len(spouses) <= 1
        for spouse in spouses:
            assert spouse.sex != head.sex
            assert head.marital_status == spouse.marital_status == "married"
        mother = next((p for p in [head, *spouses] if p.sex == "F"), None)
        for child in (p for p in people if p.relation == Relation.CHILD):
            assert child.village_id == head.village_id
            if mother is not None:
                assert years_between(mother.birth_date, child.birth_date) >= 18
                children_checked += 1
        for parent in (p for p in people if p.relation == Relation.PARENT):
            assert 20 <= years_between(parent.birth_date, head.birth_date) <= 35
    assert children_checked > 1000


def test_some_men_work_away_and_some_households_are_poor(township):
    persons = Person.objects.filter(village__township=township)
    away = persons.filter(sex="M", work_place__in=[WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE])
    assert away.filter(work_place=WorkPlace.OUT_COUNTY).exists()
    assert away.filter(work_place=WorkPlace.OUT_PROVINCE).exists()
    married_men = persons.filter(sex="M", marital_status="married")
    working_age = [m for m in married_men if 22 <= m.age_on(REFERENCE_DATE) <= 55]
    share = sum(m.works_away for m in working_age) / len(working_age)
    assert 0.15 <= share <= 0.35
    for man in away[:100]:
        assert man.employment == "migrant" and man.away_since is not None
        assert man.away_since <= dt.date(2025, 10, 1)
    households = Household.objects.filter(village__township=township)
    incomes = HouseholdIncome.objects.filter(household__village__township=township, year=2025)
    assert incomes.count() == households.count()
    poor = incomes.filter(per_capita_income__lt=2300).count()
    assert 0.04 <= poor / households.count() <= 0.12
    assert incomes.filter(per_capita_income__gt=20000).exists()
    assert persons.filter(ethnicity="彝族").exists() and persons.filter(ethnicity="汉族").count() > 4000
    assert persons.filter(deceased=True).exists()
    assert (
        persons.exclude(phone="").filter(phone__regex=r"^1[358]\d{9}$").count()
        == persons.exclude(phone="").count()
    )


def test_the_demo_users_exist_with_their_roles(township):
    for username, (role, unit_name) in EXPECTED_USERS.items():
        user = get_user_model().objects.get(username=username)
        membership = Membership.objects.get(user=user)
        assert membership.role == role
        assert str(membership.unit) == unit_name
        assert user.check_password(DEMO_PASSWORD)
    assert get_user_model().objects.get(username="admin").is_superuser


def test_the_new_database_is_flagged_as_the_demo_with_the_log_ins_it_created(township):
    installation = Installation.current()
    assert installation.kind == Installation.Kind.DEMO
    assert installation.demo_accounts == sorted(EXPECTED_USERS)


def test_a_deleted_demo_log_in_is_not_created_again(township):
    get_user_model().objects.get(username="county").delete()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert not get_user_model().objects.filter(username="county").exists()
    (line,) = [line for line in out.getvalue().splitlines() if line.strip().startswith("county ")]
    assert "账号已删除，不再创建" in line and DEMO_PASSWORD not in line
    assert get_user_model().objects.filter(username__in=EXPECTED_USERS).count() == len(EXPECTED_USERS) - 1


@pytest.mark.parametrize("username", ["chair", "cun03"])
def test_a_demo_user_can_log_in(township, client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_running_it_again_changes_nothing(township):
    def counts():
        return [
            model.objects.count() for model in (Village, VillageGroup, Household, Person, get_user_model())
        ] + [Person.history.count()]

    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "已存在" in out.getvalue()


def test_the_same_seed_gives_the_same_people(township):
    first = generate_demo(2014)
    again = generate_demo(2014)
    assert [(p.name, p.id_number, p.birth_date) for p in first.persons] == [
        (p.name, p.id_number, p.birth_date) for p in again.persons
    ]
    stored = list(
        Person.objects.filter(village__township=township)
        .exclude(id_number=None)
        .order_by("id")
        .values_list("id_number", flat=True)[:20]
    )
    assert stored == [p.id_number for p in first.persons if p.id_number][:20]
    other = generate_demo(2015)
    assert [p.id_number for p in other.persons][:20] != [p.id_number for p in first.persons][:20]


def test_every_register_has_plausible_rows_that_pass_its_rules(township):
    from registry.models import VillageDirector, WomensHome

    in_township = {"person__village__township": township}
    counts = {
        model._meta.model_name: model.objects.filter(**in_township).count()
        for model in PERSON_REGISTER_MODELS
    }
    assert 80 <= counts["leftbehindwoman"] <= 400
    assert 80 <= counts["leftbehindchild"] <= 500
    assert 8 <= counts["hardshipchild"] <= 24
    assert 50 <= counts["poorwoman"] <= 250
    assert VillageDirector.objects.filter(village__township=township).count() == 8
    assert WomensHome.objects.filter(village__township=township).count() == 8
    # A year of aid: several 春蕾 girls, 贫困母亲 help, pairings with follow-ups, each passing its rules.
    from registry.models import AidKind, AidRecord, Pairing, PairingFollowUp

    grants = AidRecord.objects.filter(village__township=township)
    assert grants.filter(kind=AidKind.SPRING_BUD).count() >= 8
    assert grants.filter(kind=AidKind.POOR_MOTHER).count() >= 8
    pairings = Pairing.objects.filter(village__township=township)
    assert pairings.count() >= 8
    assert PairingFollowUp.objects.filter(pairing__in=pairings).count() >= 2 * pairings.count()
    for record in [*grants, *pairings, *PairingFollowUp.objects.filter(pairing__in=pairings)]:
        record.full_clean()
    # Each hardship child's parents are recorded as dead, as the reason says.
    for child in HardshipChild.objects.filter(**in_township).select_related("person"):
        parents = Person.objects.filter(
            household_id=child.person.household_id, relation__in=[Relation.HEAD, Relation.SPOUSE]
        )
        assert all(p.deceased for p in parents)


def test_every_entry_and_petition_of_the_demo_passes_every_rule(township):
    """The demo obeys every check, the cross-field ones too (issue 15): no child in 六年级 at 1,
    no left-behind child whose parents are at home, no 调解未成功 whose result says 达成一致."""
    from outreach.models import Petition

    checked = 0
    for model in PERSON_REGISTER_MODELS:
        for entry in model.objects.filter(person__village__township=township).select_related("person"):
            entry.full_clean()
            checked += 1
    petitions = Petition.objects.filter(village__township=township).select_related("person")
    for petition in petitions:
        petition.full_clean()
    assert checked > 300 and petitions.exclude(mediation="").exists()
    grades = set(
        LeftBehindChild.objects.filter(person__village__township=township).values_list("grade", flat=True)
    )
    assert {"学前", "一年级", "初一"} <= grades  # grades that fit each child's age, not one list for all
