"""The demo's aid programmes and pairings: a year of 春蕾 girls, 贫困母亲 help and pairings with their
follow-ups in the demo township, each passing its rules (``registry.aid``)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from federation.core import history
from federation.core.demo import add_demo
from federation.core.models import Township, Village
from registry import demo
from registry.models import (
    AidKind,
    AidRecord,
    HardshipChild,
    LeftBehindChild,
    Pairing,
    PairingFollowUp,
    PairingKind,
    PoorWoman,
)

HELPERS = (
    ("刘芳", "乡中心校", "13908765432"),
    ("陈丽", "乡卫生院", "13551234567"),
    ("周敏", "县农商银行", "13688776655"),
    ("吴静", "乡政府", "13980011223"),
    ("郑红", "村委会", "15182334455"),
    ("黄英", "县妇联", "18990012345"),
)
FOLLOW_UP_NOTES = (
    "上门看望，辅导作业，孩子成绩有进步。",
    "打电话问候，和监护人聊了孩子近况。",
    "陪孩子过生日，送了书包和文具。",
    "带孩子去县城图书馆，中午一起吃饭。",
    "给她买了冬衣，叮嘱按时复查。",
)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    span = (last - first).days
    return first + dt.timedelta(days=rng.randint(0, span)) if span > 0 else last


def _save(record, reason: str = "示范数据") -> bool:
    """Save ``record`` when it passes its rules (its village's registers decide); return whether saved."""
    try:
        record.full_clean()
    except ValidationError:  # a demo record its rules refuse is left out
        return False
    history.save(record, actor=None, reason=reason)
    return True


def seed_aid(*, rng: random.Random, township: Township, today: dt.date) -> int:
    """Create the demo's grants, pairings and follow-ups of ``today``'s year; return how many records."""
    villages = list(Village.objects.filter(township=township).order_by("code"))
    if AidRecord.all_objects.filter(village__in=villages).exists():
        return 0
    year, first = today.year, dt.date(today.year, 1, 10)
    created = 0
    for index, village in enumerate(villages):
        girls = [
            e.person
            for model in (LeftBehindChild, HardshipChild)
            for e in model.objects.filter(village=village, year=year, person__sex="F").select_related(
                "person"
            )
        ]
        for girl in rng.sample(girls, min(len(girls), 2)):
            grant = AidRecord(
                kind=AidKind.SPRING_BUD,
                person=girl,
                year=year,
                school_year=year - 1,
                school="乡中心校",
                given_on=_day(rng, first, today),
                amount=Decimal(rng.choice((500, 800, 1000))),
                goods=rng.choice(("", "书包、文具")),
                funder="县妇联春蕾计划",
            )
            created += _save(grant)
        mothers = [
            e.person for e in PoorWoman.objects.filter(village=village, year=year).select_related("person")
        ]
        for mother in rng.sample(mothers, min(len(mothers), 1 + index % 2)):
            grant = AidRecord(
                kind=AidKind.POOR_MOTHER,
                person=mother,
                year=year,
                given_on=_day(rng, first, today),
                amount=Decimal(rng.choice((1000, 1500, 2000))),
                goods=rng.choice(("", "米、油", "棉被")),
                funder="中国妇女发展基金会贫困母亲项目",
            )
            created += _save(grant)
        children = [
            e.person
            for e in LeftBehindChild.objects.filter(village=village, year=year).select_related("person")
        ]
        kinds = (PairingKind.CARING_MOTHER, PairingKind.PAIRED, PairingKind.PROXY_PARENT)
        for n, child in enumerate(rng.sample(children, min(len(children), 2))):
            name, unit, phone = HELPERS[(index * 2 + n) % len(HELPERS)]
            pairing = Pairing(
                kind=kinds[(index + n) % len(kinds)],
                person=child,
                helper_name=name,
                helper_unit=unit,
                helper_phone=phone,
                since=_day(rng, first, today - dt.timedelta(days=30)) if today > first else today,
                plan=rng.choice(("每月看望一次，辅导学习", "学费和生活用品", "节假日陪伴")),
            )
            if not _save(pairing):
                continue
            created += 1
            for _ in range(rng.randint(2, 4)):
                follow_up = PairingFollowUp(
                    pairing=pairing,
                    on=_day(rng, pairing.since, today),
                    money=rng.choice((None, Decimal(200), Decimal(300))),
                    hours=rng.choice((Decimal(2), Decimal("3.5"), None)),
                    note=rng.choice(FOLLOW_UP_NOTES),
                )
                created += _save(follow_up)
    return created


def _run(seed: int):
    count = seed_aid(rng=random.Random(seed + 4), township=demo.demo_township(), today=timezone.localdate())
    return demo.counted("资助和结对帮扶", count)


add_demo("registry.aid", _run, order=25)
