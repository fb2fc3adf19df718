"""The demo's lectures and training: 12 sessions of the year in the demo township, with attendees,
and the year's targets (the 2011 plan's 家庭教育讲座 first). Each session obeys its rules
(``Lecture.full_clean``, ``rules.lecture_attendee_problems``)."""

from __future__ import annotations

import datetime as dt
import random

from federation.core import history
from federation.core.models import Township, Village
from outreach.models import Lecture, LectureKind, LectureTarget
from outreach.rules import lecture_attendee_problems
from registry.models import Person

#: (kind, topic, speaker, place, organised by the township) of the demo's 12 sessions, in date order.
SESSIONS = (
    (LectureKind.FAMILY_EDUCATION, "如何与留守孩子沟通", "中心校 李老师", "村妇女之家", False),
    (LectureKind.LAW, "《反家庭暴力法》知识讲座", "司法所 王所长", "乡政府会议室", True),
    (LectureKind.SKILLS, "核桃嫁接与管护技术", "农技站 陈站长", "村活动室", False),
    (LectureKind.PARENT_SCHOOL, "家长学校：孩子的学习习惯", "中心校 张校长", "中心校", False),
    (LectureKind.AIDS, "艾滋病面对面：预防与关爱", "卫生院 刘医生", "乡政府会议室", True),
    (LectureKind.FAMILY_EDUCATION, "隔代教育的好方法", "中心校 李老师", "村妇女之家", False),
    (LectureKind.SKILLS, "家政服务技能培训", "县妇联 赵老师", "村活动室", False),
    (LectureKind.LAW, "送法下村：婚姻家庭与继承", "司法所 王所长", "村活动室", False),
    (LectureKind.FAMILY_EDUCATION, "青春期孩子的心理", "卫生院 刘医生", "村妇女之家", False),
    (LectureKind.PARENT_SCHOOL, "家长学校：安全教育", "派出所 杨警官", "中心校", False),
    (LectureKind.FAMILY_EDUCATION, "好家风好家训", "乡妇联 主席", "乡政府会议室", True),
    (LectureKind.OTHER, "两癌防治知识讲座", "卫生院 刘医生", "村妇女之家", False),
)


def seed_lectures(*, rng: random.Random, township: Township, villages: list[Village], today: dt.date) -> int:
    """Create the 12 sessions and the year's targets; return how many records were created."""
    if Lecture.all_objects.filter(township=township).exists():
        return 0
    first = dt.date(today.year, 1, 5)
    span = max((today - first).days, 0)
    created = 0
    for index, (kind, topic, speaker, place, by_township) in enumerate(SESSIONS):
        village = None if by_township else villages[index % len(villages)]
        held_on = first + dt.timedelta(days=span * index // len(SESSIONS)) if span else today
        people = Person.objects.filter(deceased=False).select_related("village")
        people = (
            people.filter(village__township=township) if village is None else people.filter(village=village)
        )
        pool = list(people.order_by("pk")[:200])
        attendees = rng.sample(pool, min(len(pool), rng.randint(6, 15)))
        lecture = Lecture(
            township=township,
            village=village,
            kind=kind,
            held_on=min(held_on, today),
            place=place,
            speaker=speaker,
            topic=topic,
            unnamed_count=rng.randint(0, 25),
        )
        lecture.full_clean()
        if lecture_attendee_problems(lecture=lecture, attendees=attendees):
            attendees = []
        history.save(lecture, actor=None, reason="示范数据")
        lecture.attendees.set(attendees)
        created += 1
    targets = [
        LectureTarget(township=township, year=today.year, kind=LectureKind.FAMILY_EDUCATION, sessions=6)
    ]
    targets += [LectureTarget(township=township, year=today.year, kind=LectureKind.LAW, sessions=3)]
    targets += [
        LectureTarget(
            township=township, village=v, year=today.year, kind=LectureKind.FAMILY_EDUCATION, sessions=2
        )
        for v in villages
    ]
    for target in targets:
        target.full_clean()
        history.save(target, actor=None, reason="示范数据")
    return created + len(targets)
