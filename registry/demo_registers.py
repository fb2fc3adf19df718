"""Demo entries of the registers for the demo township (called by ``seed_demo``).

Entries are chosen with the registers' own selectors and saved through ``full_clean()``, so the
demo shows exactly what the rules allow. Deterministic for a given ``random.Random``; does
nothing when the township's registers already have entries.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from federation.core import history
from federation.core.models import Township, Village, year_settings
from registry import rules, selectors
from registry.models import (
    AwayReason,
    Education,
    GuardianRelation,
    HardshipChild,
    HardshipReason,
    Household,
    HouseholdIncome,
    LeftBehindChild,
    LeftBehindWoman,
    Person,
    PoliticalStatus,
    PoorWoman,
    PovertyReason,
    Relation,
    VillageDirector,
    WomensHome,
)

SCHOOLS = ["中心校", "村小", "乡中学"]
EQUIPMENT = ["桌椅 10 套", "书柜 2 个", "电视机 1 台", "音响 1 套", "图书 300 册", "宣传栏 1 块"]


def _save(entry) -> bool:
    entry.full_clean()
    entry.save()
    return True


def _directors_by_village(township: Township) -> dict[int, object]:
    users = (
        get_user_model().objects.filter(membership__village__township=township).select_related("membership")
    )
    return {user.membership.village_id: user for user in users}


def seed_registers(*, rng: random.Random, township: Township, year: int) -> int:
    """Create the register entries of ``year`` for the demo township; return how many."""
    villages = list(Village.objects.filter(township=township).order_by("code"))
    if LeftBehindWoman.all_objects.filter(person__village__in=villages).exists():
        return 0
    directors = _directors_by_village(township)
    on = year_settings(year).ages_on
    created = 0
    with transaction.atomic():
        for village in villages:
            director = directors.get(village.pk)
            if director is None:
                continue
            created += _women_and_children(rng, director, year)
            created += _hardship_children(rng, village, year, on)
            created += _poor_women(rng, village, year)
            created += _village_records(rng, village, director, year)
    return created


def _women_and_children(rng: random.Random, director, year: int) -> int:
    created = 0
    for woman in selectors.left_behind_woman_candidates(user=director, year=year):
        if rng.random() < 0.85:
            entry = LeftBehindWoman(
                person=woman, year=year, lives_with=rng.choice(["alone", "family", "family"]), needs=""
            )
            if rng.random() < 0.3:
                entry.needs = rng.choice(
                    ["农忙时缺劳力", "孩子学习辅导", "身体不好需要照顾", "希望学习种养技术"]
                )
            created += _save(entry)
    on = year_settings(year).ages_on
    for child, away in selectors.left_behind_child_candidates(user=director, year=year):
        if rng.random() < 0.85:
            age = child.age_on(on)
            members = {m.relation: m for m in child.household.members.all()}
            guardian = members.get(Relation.SPOUSE) if away != "both" else None
            relation = (
                GuardianRelation.MOTHER if guardian and guardian.sex == "F" else GuardianRelation.GRANDPARENT
            )
            entry = LeftBehindChild(
                person=child,
                year=year,
                parents_away=away,
                away_reason=AwayReason.WORK if rng.random() < 0.97 else AwayReason.DETENTION,
                guardian_name=guardian.name
                if guardian
                else f"{child.name[0]}{rng.choice(['德明', '玉珍', '桂英', '光荣'])}",
                guardian_relation=relation,
                guardian_phone=f"13{rng.randrange(10**9):09d}",
                school=f"{child.village.name}{rng.choice(SCHOOLS)}" if age >= 3 else "",
                grade=rules.usual_grade(age),  # the grade and boarding fit her age (rules.school_problems)
                boarding=age >= 10 and rng.random() < 0.3,
                regular_contact=rng.random() < 0.8,
            )
            created += _save(entry)
    return created


def _hardship_children(rng: random.Random, village: Village, year: int, on: dt.date) -> int:
    """Two children of the village whose parents died, raised by a grandparent (parents marked deceased).

    Only in households with no entry of the year in another register: a parent who dies here
    would leave a left-behind woman without her husband and a left-behind child without the parent
    away, which their rules refuse.
    """
    youngest = on.replace(year=on.year - year_settings(year).child_age_limit)
    grandparents = Person.objects.filter(household_id__isnull=False, relation=Relation.PARENT, deceased=False)
    registered = [
        model.objects.filter(year=year, person__village=village).values("person__household_id")
        for model in (LeftBehindChild, LeftBehindWoman, PoorWoman)
    ]
    children = list(
        Person.objects.filter(
            village=village, relation=Relation.CHILD, deceased=False, birth_date__gt=youngest
        )
        .filter(household__members__in=grandparents)
        .exclude(household_id__in=registered[0])
        .exclude(household_id__in=registered[1])
        .exclude(household_id__in=registered[2])
        .distinct()
        .order_by("id")
    )
    created = 0
    for child in rng.sample(children, min(2, len(children))):
        grandparent = grandparents.filter(household_id=child.household_id).first()
        for parent in Person.objects.filter(
            household_id=child.household_id, relation__in=[Relation.HEAD, Relation.SPOUSE]
        ):
            parent.deceased = True
            parent.work_place, parent.work_place_detail, parent.away_since = "", "", None
            parent.save()
        created += _save(
            HardshipChild(
                person=child,
                year=year,
                reason=HardshipReason.BOTH_DEAD,
                guardian_name=grandparent.name,
                guardian_relation=GuardianRelation.GRANDPARENT,
                school=f"{village.name}{rng.choice(SCHOOLS)}" if child.age_on(on) >= 3 else "",
                grade=rules.usual_grade(child.age_on(on)),
            )
        )
    return created


def _incomes_of_year(village: Village, year: int) -> None:
    """Give the demo households an income of ``year``: their latest figure, where the year has none."""
    households = (
        Household.objects.filter(village=village).exclude(incomes__year=year).prefetch_related("incomes")
    )
    incomes = [
        HouseholdIncome(household=h, year=year, per_capita_income=h.latest_income.per_capita_income)
        for h in households
        if h.latest_income is not None
    ]
    history.bulk_create(incomes, actor=None, reason="示范数据")


def _poor_women(rng: random.Random, village: Village, year: int) -> int:
    line = year_settings(year).poverty_line
    _incomes_of_year(village, year)
    women = Person.objects.filter(
        village=village,
        sex="F",
        deceased=False,
        relation__in=[Relation.HEAD, Relation.SPOUSE],
        household__incomes__year=year,
        household__incomes__per_capita_income__lt=line,
    ).order_by("id")
    created = 0
    for woman in women:
        if rng.random() < 0.8:
            paired, relief = rng.random() < 0.5, rng.random() < 0.4
            created += _save(
                PoorWoman(
                    person=woman,
                    year=year,
                    reason=rng.choice(list(PovertyReason.values)),
                    reason_detail="",
                    in_dibao=rng.random() < 0.6,
                    paired=paired,
                    paired_by=rng.choice(["乡农技站", "县妇联", "村党支部书记", "乡卫生院"])
                    if paired
                    else "",
                    relief=relief,
                    relief_what=rng.choice(["临时救助金", "春耕化肥", "过冬棉被"]) if relief else "",
                    relief_amount=Decimal(rng.choice([200, 300, 500, 800])) if relief else None,
                )
            )
    return created


def _village_records(rng: random.Random, village: Village, director, year: int) -> int:
    born = dt.date(rng.randint(1968, 1990), rng.randint(1, 12), 1)
    _save(
        VillageDirector(
            village=village,
            name=director.first_name,
            work_unit=f"{village.name}村民委员会",
            birth_month=born,
            education=rng.choice([Education.JUNIOR, Education.SENIOR, Education.COLLEGE]),
            political_status=rng.choice(
                [PoliticalStatus.PARTY, PoliticalStatus.PARTY, PoliticalStatus.MASSES]
            ),
            in_office_since=dt.date(rng.randint(2011, 2024), rng.randint(1, 12), 1),
            committee_seat=rng.choice(["committee", "both", "branch", "none"]),
            part_time_posts=rng.choice(["", "村计生专干", "村文书", "调解委员会委员"]),
            yearly_income=Decimal(rng.randrange(12000, 36000, 500)),
            on_payroll=False,
            phone=f"13{rng.randrange(10**9):09d}",
        )
    )
    signed = rng.random() < 0.75
    _save(
        WomensHome(
            village=village,
            signed_up=signed,
            signed_up_on=dt.date(year - rng.randint(1, 6), rng.randint(1, 12), 8) if signed else None,
            has_office=signed or rng.random() < 0.3,
            equipment="\n".join(rng.sample(EQUIPMENT, rng.randint(1, 4))) if signed else "",
        )
    )
    return 2
