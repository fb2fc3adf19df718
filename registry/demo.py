"""Demo data: a realistic township (示范县 幸福乡, eight villages, about 2,000 households, 6,000 persons).

:func:`generate_demo` builds the whole township in memory from ``random.Random(seed)`` alone, with ages
counted at the fixed :data:`REFERENCE_DATE`, so one seed always gives the same people.
:func:`seed_demo` stores it (bulk inserts with history, in one transaction) and creates the demo log-ins;
it does nothing more when the township already has its households.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db import transaction

from federation.core import history
from federation.core.demo import DEMO_PASSWORD, DemoReport
from federation.core.idnumber import Sex, age_on, make_id_number
from federation.core.models import County, Installation, Township, Village, VillageGroup
from federation.core.roles import Role
from registry import models

REFERENCE_DATE = dt.date(2026, 1, 1)
INCOME_YEAR = 2025
POVERTY_LINE = 2300
DEFAULT_SEED = 2014
CHANGE_REASON = "示范数据"
BATCH_SIZE = 500

COUNTY_CODE, COUNTY_NAME = "513401", "示范县"
TOWNSHIP_CODE, TOWNSHIP_NAME = "513401105000", "幸福乡"
VILLAGE_NAMES = ["团结村", "红旗村", "胜利村", "光明村", "新民村", "和平村", "前进村", "东风村"]
VILLAGE_CODES = [f"513401105{201 + i:03d}" for i in range(len(VILLAGE_NAMES))]
TARGET_HOUSEHOLDS = 2000

#: (username, full name, role); the unit is the county, the township or the n-th village.
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR),
    ("county", "县妇联查看员", Role.COUNTY_VIEWER),
    ("chair", "王秀英", Role.TOWNSHIP_CHAIR),
    ("staff", "李桂芳", Role.TOWNSHIP_STAFF),
]
DIRECTOR_NAMES = ["张丽华", "刘春梅", "陈小燕", "杨秀珍", "赵红梅", "黄玉兰", "周海燕", "吴桂兰"]
DIRECTOR_USERNAMES = [f"cun{i + 1:02d}" for i in range(len(VILLAGE_NAMES))]

_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 1..99 in Chinese numerals: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十."""
    if n < 10:
        return _NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def group_name(number: int) -> str:
    return f"{chinese_number(number)}组"


# --- names ------------------------------------------------------------------------------------------

# Common surnames, the most frequent first and repeated for weight.
HAN_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
)
HAN_GIVEN = {
    # (sex, generation) → given names; generations: born before 1965, 1965–1989, 1990 on.
    (
        Sex.FEMALE,
        0,
    ): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 秀珍 翠花 桂芳 素芬 兰英 金凤 玉梅 桂珍 秀芳 淑华",
    (
        Sex.MALE,
        0,
    ): "建国 国强 德明 志强 永福 长生 明华 建华 国华 德福 学文 光明 福贵 正清 树林 德华 文华 富贵",
    (Sex.FEMALE, 1): "丽 芳 敏 静 燕 红梅 海燕 丽华 小红 春燕 琴 霞 艳 娟 晓梅 玉 英 慧 春梅 丽萍 秀梅 小琴",
    (Sex.MALE, 1): "伟 勇 军 强 斌 涛 磊 明 刚 平 海军 建军 小平 红军 志勇 建平 春林 永刚 国庆 小兵 洪 波",
    (
        Sex.FEMALE,
        2,
    ): "欣怡 雨涵 梓涵 诗琪 思雨 佳怡 婷婷 雪 悦 欣然 子涵 可馨 梦瑶 心怡 雨桐 诗雨 语嫣 若曦 紫涵",
    (Sex.MALE, 2): "浩然 子轩 宇航 俊杰 浩宇 梓豪 宇轩 博文 皓轩 子豪 明轩 天佑 一鸣 锦程 家豪 俊熙 睿 鑫 杰",
}
HAN_GIVEN = {key: names.split() for key, names in HAN_GIVEN.items()}
YI_SURNAMES = [
    "吉克",
    "沙马",
    "阿苏",
    "曲比",
    "海来",
    "马海",
    "俄木",
    "阿的",
    "勒格",
    "吉伯",
    "阿说",
    "木乃",
    "日火",
    "瓦扎",
    "吉觉",
]
YI_GIVEN = {
    Sex.FEMALE: [
        "阿呷",
        "阿果",
        "阿芝",
        "阿依",
        "拉莫",
        "阿牛",
        "尔呷",
        "日莫",
        "阿西",
        "史者",
        "阿各",
        "依作",
        "莫色",
        "金花",
        "秀芝",
    ],
    Sex.MALE: [
        "拉则",
        "木呷",
        "日火",
        "尔古",
        "伍各",
        "子布",
        "石者",
        "克惹",
        "拉格",
        "曲布",
        "阿木",
        "木果",
        "尔达",
        "依达",
        "拉哈",
    ],
}

#: Where people were first registered: the county itself mostly (region codes of GB/T 2260).
HOME_REGION = "513401"
OTHER_REGIONS = ["513422", "513424", "513425", "513426", "513427", "510104", "511102", "530102", "500101"]
YI_REGIONS = ["513431", "513432", "513433", "513428"]

WORK_AWAY = {
    models.WorkPlace.OUT_COUNTY: [
        "成都市 建筑工地",
        "成都市双流区 电子厂",
        "攀枝花市 钢铁厂",
        "绵阳市 家电厂",
        "德阳市 机械厂",
        "宜宾市 酒厂",
        "乐山市 餐馆",
    ],
    models.WorkPlace.OUT_PROVINCE: [
        "广东省东莞市 电子厂",
        "广东省深圳市 工厂",
        "浙江省宁波市 服装厂",
        "浙江省义乌市 小商品市场",
        "福建省晋江市 鞋厂",
        "江苏省苏州市 工业园",
        "新疆 摘棉花",
        "上海市 建筑工地",
    ],
}
WORK_IN_COUNTY = ["县城 建筑队", "县城 超市", "县工业园区", "乡集镇 餐馆", "县城 物流公司"]


# --- the in-memory township ----------------------------------------------------------------------------


@dataclass
class PersonSpec:
    relation: str
    name: str
    sex: str
    birth_date: dt.date
    id_number: str | None = None
    ethnicity: str = "汉族"
    phone: str = ""
    marital_status: str = models.MaritalStatus.SINGLE
    education: str = ""
    political_status: str = ""
    employment: str = ""
    work_place: str = models.WorkPlace.HOME
    work_place_detail: str = ""
    away_since: dt.date | None = None
    deceased: bool = False

    @property
    def age(self) -> int:
        return age_on(self.birth_date, REFERENCE_DATE)


@dataclass
class HouseholdSpec:
    group_number: int
    number: str
    address: str
    per_capita_income: Decimal
    members: list[PersonSpec] = field(default_factory=list)


@dataclass
class VillageSpec:
    code: str
    name: str
    group_count: int
    households: list[HouseholdSpec] = field(default_factory=list)


@dataclass
class DemoData:
    seed: int
    villages: list[VillageSpec]

    @property
    def households(self) -> Iterable[HouseholdSpec]:
        for village in self.villages:
            yield from village.households

    @property
    def persons(self) -> Iterable[PersonSpec]:
        for household in self.households:
            yield from household.members


def _years(n: float) -> int:
    """Return ``n`` years in days."""
    return round(n * 365.2425)


class _Generator:
    def __init__(self, seed: int, taken_ids: Iterable[str] = ()):
        self.rng = random.Random(seed)
        # The first 17 characters of every number handed out (the 18th follows from them).
        self.used: set[str] = {number[:17] for number in taken_ids}
        self.ref_ordinal = REFERENCE_DATE.toordinal()

    # dates

    def birth_for_age(self, low: int, high: int) -> dt.date:
        """Return a birth date for an age in full years between ``low`` and ``high`` on the reference date."""
        age = self.rng.randint(low, high)
        latest = dt.date(REFERENCE_DATE.year - age, REFERENCE_DATE.month, REFERENCE_DATE.day)
        earliest = dt.date(REFERENCE_DATE.year - age - 1, REFERENCE_DATE.month, REFERENCE_DATE.day)
        return dt.date.fromordinal(self.rng.randint(earliest.toordinal() + 1, latest.toordinal()))

    def shifted(self, date: dt.date, low_years: float, high_years: float) -> dt.date:
        return dt.date.fromordinal(date.toordinal() + self.rng.randint(_years(low_years), _years(high_years)))

    def months_before_reference(self, low: int, high: int) -> dt.date:
        """Return a date between ``low`` and ``high`` months before the reference date."""
        months = self.rng.randint(low, high - 1)
        year, month = divmod(REFERENCE_DATE.year * 12 + REFERENCE_DATE.month - 1 - months, 12)
        return dt.date(year, month + 1, 1) - dt.timedelta(days=self.rng.randint(0, 27))

    # names and numbers

    def surname(self, yi: bool) -> str:
        return self.rng.choice(YI_SURNAMES if yi else HAN_SURNAMES)

    def given_name(self, sex: str, birth_date: dt.date, yi: bool) -> str:
        if yi:
            return self.rng.choice(YI_GIVEN[sex])
        generation = 0 if birth_date.year < 1965 else 1 if birth_date.year < 1990 else 2
        return self.rng.choice(HAN_GIVEN[(sex, generation)])

    def id_number(self, birth_date: dt.date, sex: str, region: str) -> str:
        """Return an unused valid number; the sequence is odd for a man, even for a woman."""
        sequence = self.rng.randrange(1 if sex == Sex.MALE else 2, 1000, 2)
        for _ in range(500):
            first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return make_id_number(region, birth_date, sequence)
            sequence += 2
            if sequence >= 1000:
                sequence = 1 if sex == Sex.MALE else 2
        raise RuntimeError(f"No free ID sequence for {region} {birth_date}.")  # pragma: no cover

    def region(self, yi: bool, married_in: bool) -> str:
        roll = self.rng.random()
        if yi:
            return HOME_REGION if roll < 0.55 else self.rng.choice(YI_REGIONS)
        return HOME_REGION if roll >= (0.3 if married_in else 0.1) else self.rng.choice(OTHER_REGIONS)

    def phone(self) -> str:
        return self.rng.choice(["13", "15", "18"]) + "".join(str(self.rng.randrange(10)) for _ in range(9))

    # people

    def person(
        self,
        relation: str,
        sex: str,
        birth_date: dt.date,
        surname: str,
        yi: bool,
        *,
        marital_status: str = models.MaritalStatus.SINGLE,
        married_in: bool = False,
        taken_names: set[str] | None = None,
    ) -> PersonSpec:
        for _ in range(20):
            name = surname + self.given_name(sex, birth_date, yi)
            if taken_names is None or name not in taken_names:
                break
        if taken_names is not None:
            taken_names.add(name)
        person = PersonSpec(
            relation=relation,
            name=name,
            sex=sex,
            birth_date=birth_date,
            ethnicity="彝族" if yi else "汉族",
            marital_status=marital_status,
        )
        age = person.age
        # About 1% have no number yet: mostly babies not yet registered, now and then an adult.
        missing = self.rng.random() < (0.55 if age < 1 else 0.25 if age < 3 else 0.004)
        if not missing:
            person.id_number = self.id_number(birth_date, sex, self.region(yi, married_in))
        self.occupy(person)
        if 18 <= age <= 70 and self.rng.random() < (
            0.35 if relation in (models.Relation.HEAD, models.Relation.SPOUSE) else 0.1
        ):
            person.phone = self.phone()
        return person

    def pick(self, weighted: list[tuple[str, float]]) -> str:
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    def adult_education(self, person: PersonSpec) -> str:
        year, woman = person.birth_date.year, person.sex == Sex.FEMALE
        school = models.Education
        if year < 1955:
            table = [(school.NONE, 50 if woman else 25), (school.PRIMARY, 45), (school.JUNIOR, 15)]
            table.append((school.SENIOR, 4))
        elif year < 1970:
            table = [(school.NONE, 20 if woman else 10), (school.PRIMARY, 40), (school.JUNIOR, 35)]
            table.append((school.SENIOR, 8))
        elif year < 1985:
            table = [(school.NONE, 4), (school.PRIMARY, 25), (school.JUNIOR, 50)]
            table += [(school.SENIOR, 15), (school.COLLEGE, 5), (school.BACHELOR, 2)]
        else:
            table = [(school.PRIMARY, 8), (school.JUNIOR, 45), (school.SENIOR, 25)]
            table += [(school.COLLEGE, 14), (school.BACHELOR, 8)]
        return self.pick(table)

    def occupy(self, person: PersonSpec) -> None:
        """Give education, political status and employment plausible for the age (work away comes later)."""
        age, rng = person.age, self.rng
        if age < 6:
            person.employment = models.Employment.PRESCHOOL
            return
        if age < 12:
            person.education, person.employment = models.Education.PRIMARY, models.Employment.STUDENT
            return
        if age < 15:
            person.education, person.employment = models.Education.JUNIOR, models.Employment.STUDENT
            person.political_status = (
                models.PoliticalStatus.LEAGUE if age == 14 and rng.random() < 0.2 else ""
            )
            return
        if age < 18:
            if rng.random() < 0.85:
                person.education, person.employment = models.Education.SENIOR, models.Employment.STUDENT
            else:
                person.education = models.Education.JUNIOR
                person.employment = self.pick(
                    [(models.Employment.FARMING, 4), (models.Employment.UNEMPLOYED, 6)]
                )
            person.political_status = (
                models.PoliticalStatus.LEAGUE if rng.random() < 0.4 else models.PoliticalStatus.MASSES
            )
            return
        if age < 23 and person.marital_status == models.MaritalStatus.SINGLE and rng.random() < 0.45:
            person.education = self.pick([(models.Education.COLLEGE, 5), (models.Education.BACHELOR, 5)])
            person.employment = models.Employment.STUDENT
            person.political_status = (
                models.PoliticalStatus.LEAGUE if rng.random() < 0.6 else models.PoliticalStatus.MASSES
            )
            return
        person.education = self.adult_education(person)
        educated = person.education in (models.Education.COLLEGE, models.Education.BACHELOR)
        party = (0.09 if person.sex == Sex.MALE else 0.03) + (0.05 if educated else 0)
        roll = rng.random()
        if roll < party and age >= 21:
            person.political_status = models.PoliticalStatus.PARTY
        elif age <= 28 and roll < 0.3:
            person.political_status = models.PoliticalStatus.LEAGUE
        else:
            person.political_status = models.PoliticalStatus.MASSES
        if age >= 60:
            person.employment = self.pick(
                [
                    (models.Employment.FARMING, 50 if age < 75 else 10),
                    (models.Employment.UNEMPLOYED, 40 if age < 75 else 85),
                    (models.Employment.RETIRED, 30 if educated else 6),
                ]
            )
        else:
            person.employment = self.pick(
                [
                    (models.Employment.FARMING, 15 if educated else 62),
                    (models.Employment.BUSINESS, 11),
                    (models.Employment.EMPLOYED, 45 if educated else 9),
                    (models.Employment.UNEMPLOYED, 9 if person.sex == Sex.FEMALE else 5),
                ]
            )
            if (
                person.employment in (models.Employment.EMPLOYED, models.Employment.BUSINESS)
                and rng.random() < 0.5
            ):
                person.work_place = models.WorkPlace.IN_COUNTY
                person.work_place_detail = rng.choice(WORK_IN_COUNTY)

    def send_away(self, person: PersonSpec, place: str | None = None, detail: str | None = None) -> None:
        person.employment = models.Employment.MIGRANT
        person.work_place = place or self.pick(
            [(models.WorkPlace.OUT_COUNTY, 55), (models.WorkPlace.OUT_PROVINCE, 45)]
        )
        person.work_place_detail = detail or self.rng.choice(WORK_AWAY[person.work_place])
        person.away_since = self.months_before_reference(3, 60)

    def children(
        self, mother_birth: dt.date, surname: str, yi: bool, wanted: int, names: set[str]
    ) -> list[PersonSpec]:
        """Return up to ``wanted`` children born when the mother was 20 to 40; grown-ups often left home."""
        kids = []
        born = self.shifted(mother_birth, 20, 28)
        limit = dt.date.fromordinal(mother_birth.toordinal() + _years(40))
        while len(kids) < wanted and born < REFERENCE_DATE and born <= limit:
            age = age_on(born, REFERENCE_DATE)
            if age <= 32 and not (age >= 24 and self.rng.random() < 0.5):
                sex = Sex.MALE if self.rng.random() < 0.52 else Sex.FEMALE
                kids.append(self.person(models.Relation.CHILD, sex, born, surname, yi, taken_names=names))
            else:
                wanted -= 1  # grown up and left: counted, not listed
            born = self.shifted(born, 1.5, 5)
        return kids

    def parents_of(self, head: PersonSpec, head_surname: str, yi: bool, names: set[str]) -> list[PersonSpec]:
        """Return one or both parents of the head, 20 to 35 years older, if they can still be alive."""
        mother_birth = self.shifted(head.birth_date, -33, -20)
        father_birth = dt.date.fromordinal(
            max(
                head.birth_date.toordinal() - _years(35),
                mother_birth.toordinal() - self.rng.randint(0, _years(4)),
            )
        )
        both = self.rng.random() < 0.3
        which = [Sex.FEMALE, Sex.MALE] if both else [Sex.FEMALE if self.rng.random() < 0.65 else Sex.MALE]
        parents = []
        for sex in which:
            birth = mother_birth if sex == Sex.FEMALE else father_birth
            if age_on(birth, REFERENCE_DATE) > 94:
                continue
            surname = head_surname if sex == Sex.MALE else self.surname(yi)
            status = models.MaritalStatus.MARRIED if both else models.MaritalStatus.WIDOWED
            parents.append(
                self.person(
                    models.Relation.PARENT, sex, birth, surname, yi, marital_status=status, taken_names=names
                )
            )
        if len(parents) == 1:
            parent = parents[0]
            parent.marital_status = models.MaritalStatus.WIDOWED
            if parent.age >= 78 and self.rng.random() < 0.15:
                parent.deceased = True
                parent.phone = ""
        return parents

    # households

    def couple_household(self, yi: bool) -> list[PersonSpec]:
        names: set[str] = set()
        rng = self.rng
        low, high = self.pick(
            [("22-29", 10), ("30-39", 20), ("40-49", 25), ("50-59", 22), ("60-69", 15), ("70-82", 8)]
        ).split("-")
        husband_birth = self.birth_for_age(int(low), int(high))
        wife_birth = self.shifted(husband_birth, -2, 6)
        if age_on(wife_birth, REFERENCE_DATE) < 20:
            wife_birth = self.birth_for_age(20, 21)
        surname = self.surname(yi)
        wife_yi = yi if rng.random() < 0.9 else not yi
        wife_surname = self.surname(wife_yi)
        wife_is_head = rng.random() < 0.1
        his_relation, her_relation = models.Relation.HEAD, models.Relation.SPOUSE
        if wife_is_head:
            his_relation, her_relation = her_relation, his_relation
        married = {"marital_status": models.MaritalStatus.MARRIED, "taken_names": names}
        husband = self.person(his_relation, Sex.MALE, husband_birth, surname, yi, **married)
        wife = self.person(
            her_relation, Sex.FEMALE, wife_birth, wife_surname, wife_yi, married_in=True, **married
        )
        wanted = int(
            self.pick(
                [("0", 12), ("1", 33), ("2", 40), ("3", 15)]
                if not yi
                else [("0", 5), ("1", 20), ("2", 35), ("3", 40)]
            )
        )
        kids_surname = surname if rng.random() < 0.95 else wife_surname
        kids = self.children(wife_birth, kids_surname, yi, wanted, names)
        head = wife if wife_is_head else husband
        parents = []
        if head.age < 62 and rng.random() < 0.3:
            if wife_is_head:
                parents = self.parents_of(head, wife_surname, wife_yi, names)
            else:
                parents = self.parents_of(head, surname, yi, names)
        # Work away: a quarter of the husbands of working age; now and then the wife too, or only her.
        if 22 <= husband.age <= 55 and rng.random() < 0.25:
            self.send_away(husband)
            if wife.age <= 50 and rng.random() < 0.2:
                same = rng.random() < 0.7
                self.send_away(
                    wife, husband.work_place if same else None, husband.work_place_detail if same else None
                )
        elif 20 <= wife.age <= 45 and rng.random() < 0.04:
            self.send_away(wife)
        for kid in kids:
            if 18 <= kid.age <= 35 and kid.employment != models.Employment.STUDENT and rng.random() < 0.4:
                self.send_away(kid)
        return [head, wife if head is husband else husband, *kids, *parents]

    def elderly_household(self, yi: bool) -> list[PersonSpec]:
        sex = Sex.FEMALE if self.rng.random() < 0.65 else Sex.MALE
        birth = self.birth_for_age(65, 92)
        return [
            self.person(
                models.Relation.HEAD,
                sex,
                birth,
                self.surname(yi),
                yi,
                marital_status=models.MaritalStatus.WIDOWED,
            )
        ]

    def single_man_household(self, yi: bool) -> list[PersonSpec]:
        names: set[str] = set()
        surname = self.surname(yi)
        head = self.person(
            models.Relation.HEAD, Sex.MALE, self.birth_for_age(25, 50), surname, yi, taken_names=names
        )
        if self.rng.random() < 0.3:
            self.send_away(head)
        members = [head]
        if self.rng.random() < 0.5:
            members += self.parents_of(head, surname, yi, names)
        return members

    def single_mother_household(self, yi: bool) -> list[PersonSpec]:
        names: set[str] = set()
        status = models.MaritalStatus.DIVORCED if self.rng.random() < 0.6 else models.MaritalStatus.WIDOWED
        birth = self.birth_for_age(28, 50)
        surname = self.surname(yi)
        head = self.person(
            models.Relation.HEAD, Sex.FEMALE, birth, surname, yi, marital_status=status, taken_names=names
        )
        if head.age <= 45 and self.rng.random() < 0.1:
            self.send_away(head)
        kids_surname = self.surname(yi) if self.rng.random() < 0.8 else surname
        kids = self.children(birth, kids_surname, yi, self.rng.randint(1, 2), names)
        return [head, *kids]

    def household_members(self) -> list[PersonSpec]:
        yi = self.rng.random() < 0.12
        kind = self.pick([("couple", 80), ("elderly", 9), ("single_man", 6), ("single_mother", 5)])
        return getattr(self, f"{kind}_household")(yi)

    def income(self) -> Decimal:
        if self.rng.random() < 0.08:
            value = self.rng.uniform(900, POVERTY_LINE - 1)
        else:
            value = self.rng.triangular(POVERTY_LINE, 30000, 7000)
        return Decimal(f"{value:.2f}")

    def village(self, code: str, name: str, household_count: int) -> VillageSpec:
        group_count = self.rng.randint(4, 7)
        weights = [self.rng.uniform(0.7, 1.3) for _ in range(group_count)]
        groups = sorted(self.rng.choices(range(1, group_count + 1), weights, k=household_count))
        village = VillageSpec(code=code, name=name, group_count=group_count)
        for index, group_number in enumerate(groups, start=1):
            village.households.append(
                HouseholdSpec(
                    group_number=group_number,
                    number=f"{index:04d}",
                    address=f"{TOWNSHIP_NAME}{name}{group_name(group_number)}",
                    per_capita_income=self.income(),
                    members=self.household_members(),
                )
            )
        return village

    def township(self) -> list[VillageSpec]:
        total = TARGET_HOUSEHOLDS + self.rng.randint(-60, 60)
        weights = [self.rng.uniform(0.75, 1.25) for _ in VILLAGE_NAMES]
        counts = [round(total * w / sum(weights)) for w in weights]
        villages = [
            self.village(code, name, count)
            for code, name, count in zip(VILLAGE_CODES, VILLAGE_NAMES, counts, strict=True)
        ]
        return villages


def generate_demo(seed: int = DEFAULT_SEED, taken_ids: Iterable[str] = ()) -> DemoData:
    """Return the demo township for ``seed``, built in memory; ``taken_ids`` are numbers not to hand out."""
    return DemoData(seed=seed, villages=_Generator(seed, taken_ids).township())


# --- storing it ----------------------------------------------------------------------------------------


def _org_tree(data: DemoData) -> tuple[County, Township, list[Village]]:
    county, _ = County.objects.get_or_create(code=COUNTY_CODE, defaults={"name": COUNTY_NAME})
    township, _ = Township.objects.get_or_create(
        code=TOWNSHIP_CODE, defaults={"county": county, "name": TOWNSHIP_NAME}
    )
    villages = []
    for spec in data.villages:
        village, _ = Village.objects.get_or_create(
            code=spec.code, defaults={"township": township, "name": spec.name}
        )
        existing = set(village.groups.values_list("number", flat=True))
        VillageGroup.objects.bulk_create(
            VillageGroup(village=village, number=n, name=group_name(n))
            for n in range(1, spec.group_count + 1)
            if n not in existing
        )
        villages.append(village)
    return county, township, villages


def write_demo(data: DemoData, villages: list[Village]) -> None:
    """Insert the households and persons of ``data`` into ``villages`` (same order), with history."""
    households: list[models.Household] = []
    for spec, village in zip(data.villages, villages, strict=True):
        groups = {g.number: g for g in village.groups.all()}
        households += [
            models.Household(
                village=village,
                group=groups[h.group_number],
                number=h.number,
                address=h.address,
            )
            for h in spec.households
        ]
    for household in households:
        household.fill_derived()  # bulk_create skips save()
    history.bulk_create(households, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    incomes = [
        models.HouseholdIncome(
            household=household, year=INCOME_YEAR, per_capita_income=spec.per_capita_income
        )
        for household, spec in zip(households, data.households, strict=True)
    ]
    history.bulk_create(incomes, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    persons = [
        models.Person(
            village=household.village,
            household=household,
            **{f.name: getattr(p, f.name) for f in fields(PersonSpec)},
        )
        for household, spec in zip(households, data.households, strict=True)
        for p in spec.members
    ]
    for person in persons:
        person.fill_derived()  # bulk_create skips save()
    history.bulk_create(persons, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)


def ensure_demo_users(county: County, township: Township) -> list[dict]:
    """Create the demo log-ins the demo never created yet; return every one with its role, unit and state.

    A log-in the demo created once is not created again, even once deleted (the database's
    :class:`Installation` row remembers them); passwords of log-ins that exist are left as they are.
    """
    from django.contrib.auth import get_user_model

    from federation.core.services import user_create

    wanted = [
        (
            username,
            full_name,
            role,
            township if role in (Role.TOWNSHIP_CHAIR, Role.TOWNSHIP_STAFF) else county,
        )
        for username, full_name, role in DEMO_USERS
    ]
    villages = {v.code: v for v in Village.objects.filter(township=township, code__in=VILLAGE_CODES)}
    wanted += [
        (username, full_name, Role.VILLAGE_DIRECTOR, villages[code])
        for username, full_name, code in zip(DIRECTOR_USERNAMES, DIRECTOR_NAMES, VILLAGE_CODES, strict=True)
        if code in villages
    ]
    installation = Installation.objects.select_for_update().get(pk=Installation.SINGLETON)
    seeded = set(installation.demo_accounts)
    existing = set(
        get_user_model()
        .objects.filter(username__in=[w[0] for w in wanted])
        .values_list("username", flat=True)
    )
    users = []
    for username, full_name, role, unit in wanted:
        if username in existing:
            state = "exists"
        elif username in seeded:
            state = "deleted"
        else:
            user_create(username=username, password=DEMO_PASSWORD, full_name=full_name, role=role, unit=unit)
            state = "created"
        users.append(
            {
                "username": username,
                "full_name": full_name,
                "role": str(Role(role).label),
                "unit": str(unit),
                "password": DEMO_PASSWORD,
                "created": state == "created",
                "state": state,
            }
        )
    installation.record_demo_accounts(u["username"] for u in users if u["created"])
    return users


@dataclass
class SeedResult:
    created: bool
    villages: int
    groups: int
    households: int
    persons: int
    users: list[dict]


def seed_demo(seed: int = DEFAULT_SEED) -> SeedResult:
    """Store the demo township for ``seed`` unless it already has households; ensure the demo log-ins."""
    with transaction.atomic():
        township = Township.objects.filter(code=TOWNSHIP_CODE).select_related("county").first()
        exists = (
            township is not None and models.Household.all_objects.filter(village__township=township).exists()
        )
        if exists:
            county = township.county
        else:
            taken = (
                models.Person.all_objects.exclude(id_number=None).values_list("id_number", flat=True)
                if models.Person.all_objects.exists()
                else []
            )
            data = generate_demo(seed, taken)
            county, township, villages = _org_tree(data)
            write_demo(data, villages)
        users = ensure_demo_users(county, township)
    return SeedResult(
        created=not exists,
        villages=Village.objects.filter(township=township).count(),
        groups=VillageGroup.objects.filter(village__township=township).count(),
        households=models.Household.objects.filter(village__township=township).count(),
        persons=models.Person.objects.filter(village__township=township).count(),
        users=users,
    )


def _pad(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def township_report(seed: int) -> DemoReport:
    """Seed the township, its residents and the log-ins (``seed_demo``); report them as the command prints."""
    result = seed_demo(seed)
    if result.created:
        lines, style = [f"示范数据已生成（种子 {seed}）。"], "success"
    else:
        lines, style = [f"示范数据已存在：{TOWNSHIP_NAME}已有住户，未再生成。"], "warning"
    lines += [
        f"{COUNTY_NAME}{TOWNSHIP_NAME}：",
        f"  村：{result.villages} 个（村民小组 {result.groups} 个）",
        f"  户：{result.households} 户",
        f"  居民：{result.persons} 人",
        f"演示账号（新建的账号密码均为 {DEMO_PASSWORD}）：",
        "  "
        + "".join(_pad(h, w) for h, w in (("用户名", 9), ("角色", 15), ("单位", 9), ("姓名", 15)))
        + "密码",
    ]
    shown = {"exists": "（账号已存在，密码未改动）", "deleted": "（账号已删除，不再创建）"}
    for user in result.users:
        password = shown.get(user["state"], user["password"])
        columns = (user["username"], 9), (user["role"], 15), (user["unit"], 9), (user["full_name"], 15)
        lines.append("  " + "".join(_pad(text, width) for text, width in columns) + password)
    return DemoReport(lines=tuple(lines), style=style)


def demo_township() -> Township:
    """Return the demo township (the other apps' seeders fill it)."""
    return Township.objects.get(code=TOWNSHIP_CODE)


def counted(label: str, count: int) -> DemoReport:
    """Return the report line of a seeder that created ``count`` records (nothing when none)."""
    return DemoReport(lines=(f"  {label}：新增 {count} 条",) if count else ())
