"""The demo's honours of the year: 最美家庭 proposals of several villages, one notice of the chosen with
one objection handled and the families confirmed once it ran out (when the year is far enough on),
one proposal not chosen and a few still waiting; and the 三八红旗手（集体） of the year.

Each family proposed passes the seed's conditions on its date (``honour_rules.family_problems``);
every record passes its ``full_clean()``.
"""

from __future__ import annotations

import datetime as dt
import random

from federation.core import history
from federation.core.models import Township, Village
from outreach import models
from outreach.honour_rules import family_problems, notice_days, notice_ends_on
from registry.models import Household, Person

REASON = "示范数据"

STORIES = (
    "婆婆瘫痪在床八年，儿媳端水喂饭、擦身翻身，从无怨言；夫妻俩互敬互爱，家里和和睦睦。",
    "丈夫在外务工，她一人照顾两位老人和两个孩子，种好三亩核桃，孩子成绩在班上名列前茅。",
    "一家人常年义务打扫村道、照看邻居的留守孩子，村里修路主动让出自家的地。",
    "勤俭持家，从借钱度日到办起养殖场，又带着五户姐妹一起养鸡，户户增收。",
    "夫妻俩带头移风易俗，儿子结婚不要彩礼、不办流水席，省下的钱捐给村小买图书。",
    "三代同堂、家风淳朴，老人常说“吃亏是福”，邻里有事总是第一个到。",
)
AWARDS = (
    (models.AwardKind.COLLECTIVE, models.AwardLevel.COUNTY, "妇联", "表彰全乡妇女工作"),
    (models.AwardKind.PERSON, models.AwardLevel.COUNTY, "", "巾帼志愿服务"),
    (models.AwardKind.PERSON, models.AwardLevel.CITY, "", "科技致富带头人"),
)


def _families(rng: random.Random, villages: list[Village], days: list[dt.date]) -> list[Household]:
    """Return up to one household a day of ``days``, a village in turn, each meeting the seed's
    conditions on its day."""
    wanted = len(days)
    pools = []
    for village in villages:
        pool = list(
            Household.objects.filter(village=village)
            .prefetch_related("members")
            .order_by("group_number", "number")[:40]
        )
        rng.shuffle(pool)
        pools.append(pool)
    chosen: list[Household] = []
    while len(chosen) < wanted and any(pools):
        for pool in pools:
            while pool:
                household = pool.pop()
                on = days[len(chosen)]
                if household.head is not None and not family_problems(household=household, on=on):
                    chosen.append(household)
                    break
            if len(chosen) == wanted:
                break
    return chosen


def _save(record, **extra):
    record.full_clean(**extra)
    history.save(record, actor=None, reason=REASON)
    return record


def seed_honours(*, rng: random.Random, township: Township, villages: list[Village], today: dt.date) -> int:
    """Create the year's honours of ``township``; return how many records (0 when it has any)."""
    if models.HonourNomination.all_objects.filter(village__township=township).exists():
        return 0
    year = today.year
    first = dt.date(year, 3, 1) if today >= dt.date(year, 4, 1) else dt.date(year, 1, 2)
    first = min(first, today)
    days = [min(first + dt.timedelta(days=3 * index), today) for index in range(6)]
    families = _families(rng, villages, days)
    created = 0
    nominations = []
    for household, proposed_on in zip(families, days, strict=False):
        headings = sorted(
            rng.sample(models.FamilyHeading.values, rng.randint(1, 3)), key=models.FamilyHeading.values.index
        )
        nomination = models.HonourNomination(
            village=household.village,
            household=household,
            year=year,
            proposed_on=proposed_on,
            headings=headings,
            story=STORIES[len(nominations) % len(STORIES)],
        )
        nominations.append(_save(nomination))
        created += 1
    starts_on = max(first + dt.timedelta(days=20), min(dt.date(year, 5, 10), today - dt.timedelta(days=14)))
    if len(nominations) >= 4 and starts_on <= today:
        days = notice_days(year=year)
        notice = _save(
            models.HonourNotice(
                township=township, year=year, starts_on=starts_on, days=days, phone="0834-6123456"
            )
        )
        created += 1
        declined, on_notice = nominations[-1], nominations[:3]
        declined.status, declined.decision_note = (
            models.NominationStatus.DECLINED,
            "事迹材料不够具体，明年再推荐。",
        )
        _save(declined)
        ends_on = notice_ends_on(starts_on=starts_on, days=days)
        confirmed = ends_on < today
        objection = models.HonourObjection(
            nomination=on_notice[0],
            received_on=min(starts_on + dt.timedelta(days=2), today),
            raised_by="",
            content="反映这一户去年和邻居因宅基地吵过架。",
        )
        if min(starts_on + dt.timedelta(days=4), today) >= objection.received_on:
            objection.outcome = models.HonourObjection.Outcome.REJECTED
            objection.handling = (
                "村妇联和村调解委员会入户核实：双方已于去年自行和解，邻里关系融洽，异议不成立。"
            )
            objection.handled_on = min(starts_on + dt.timedelta(days=4), today)
        for nomination in on_notice:
            nomination.status, nomination.notice = models.NominationStatus.IN_NOTICE, notice
            if confirmed:
                nomination.status, nomination.confirmed_on = (
                    models.NominationStatus.CONFIRMED,
                    ends_on + dt.timedelta(days=1),
                )
            _save(nomination)
        _save(objection)
        created += 1
        if confirmed:
            notice.confirmed_on = ends_on + dt.timedelta(days=1)
            _save(notice)
    for kind, level, suffix, work in AWARDS:
        if kind == models.AwardKind.COLLECTIVE:
            award = models.RedBannerAward(
                township=township, kind=kind, name=f"{township.name}{suffix}", work_unit=work
            )
        else:
            village = villages[rng.randrange(len(villages))]
            woman = (
                Person.objects.filter(
                    village=village, sex="F", deceased=False, birth_date__year__lt=year - 25
                )
                .order_by("pk")
                .first()
            )
            if woman is None:
                continue
            award = models.RedBannerAward(
                township=township, village=village, kind=kind, person=woman, work_unit=work
            )
        award.level, award.year, award.document = level, year, f"示妇发({year})5号"
        _save(award)
        created += 1
    return created
