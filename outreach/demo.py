"""Demo outreach for the demo township: visits, screenings, volunteer teams, petitions, reports.

:func:`seed_outreach` is called after the registers' demo (``registry.demo.seed_demo``). It does
nothing when the township already has outreach records; otherwise it draws everything from the
``rng`` it is given, walking villages and people in a fixed order, so the same rng on the same
township gives the same records. Dates fall in the current year up to today.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from federation.core import history
from federation.core.labels import director_title
from federation.core.models import Membership, Township, Village, year_settings
from federation.core.roles import Role
from outreach.demo_honours import seed_honours
from outreach.demo_lectures import seed_lectures
from outreach.models import (
    Handling,
    MediationResult,
    Petition,
    PetitionCategory,
    PetitionWay,
    RegisterReport,
    Screening,
    ScreeningKind,
    ScreeningResult,
    Speciality,
    Task,
    TaskAssignment,
    Visit,
    VisitedFor,
    VisitMode,
    VolunteerActivity,
    VolunteerMember,
    VolunteerTeam,
    register_deadlines,
)
from outreach.rules import screening_birth_range
from registry.models import LeftBehindWoman, LivesWith, Person, PoorWoman, VillageDirector

CHANGE_REASON = "示范数据"
BATCH_SIZE = 500

LIVING = [
    "家中种植玉米、土豆，养猪两头，一个人照顾老人和孩子，农忙时忙不过来。",
    "在家务农，种花椒一亩多，孩子在乡中心校上学，生活基本能保障。",
    "丈夫在外务工按月寄钱回家，家里种蔬菜自用，身体一般。",
    "婆婆常年生病需要照顾，家中劳力不足，收入主要靠丈夫打工。",
    "养蜂二十多箱，今年收成不错，想学电商把蜂蜜卖出去。",
    "住房较旧，雨季漏雨，孩子读初中，学习成绩中等。",
]
DIFFICULTIES = [
    "农忙时缺劳力，希望村里组织互助。",
    "孩子学习辅导跟不上，希望有人帮忙。",
    "想参加种养殖技术培训。",
    "婆婆看病报销手续不清楚。",
    "住房需要维修，缺少资金。",
    "",
    "",
]
HELP = [
    "讲解新农合报销政策，帮助准备材料。",
    "登记参加乡里的种养殖技术培训。",
    "联系村里党员结对帮扶农忙收割。",
    "送去留守妇女关爱包，交流家庭教育方法。",
    "留下村妇联电话，有困难随时联系。",
]
#: The result written with each mediation outcome of a closed case (an open one has none).
MEDIATION_RESULTS = {
    MediationResult.SUCCEEDED: "经调解双方达成一致。",
    MediationResult.FAILED: "调解未成功，已告知当事人可通过法律途径解决。",
}
RESULTS = ["已落实", "正在办理", "已反映到乡妇联", "她表示满意", ""]
POVERTY_REASONS = ["因病", "缺劳力", "缺技术", "缺资金", "因学"]
INSTITUTIONS = ["幸福乡卫生院", "示范县妇幼保健院", "示范县人民医院"]
TEAM_SUFFIX = "巾帼志愿服务队"
TOWNSHIP_MEMBERS = [
    ("杨玉梅", "幸福乡中心校"),
    ("何晓琴", "幸福乡中心校"),
    ("邓春兰", "幸福乡中心校"),
    ("罗小芳", "幸福乡中心校"),
    ("曾丽", "幸福乡人民政府"),
    ("彭秀英", "幸福乡人民政府"),
    ("蒋红", "幸福乡人民政府"),
    ("谢玉兰", "幸福乡人民政府"),
    ("宋春梅", "幸福乡卫生院"),
]
ACTIVITIES = [
    ("“三八”妇女节法律宣传", "村活动室", "发放《妇女权益保障法》宣传资料，解答婚姻家庭法律问题。"),
    ("关爱留守儿童暑期陪伴", "村小学", "辅导作业、讲安全知识，和留守儿童一起做游戏。"),
    ("环境整治进家庭", "各村民小组", "帮助清理房前屋后，评比“清洁之家”。"),
    ("两癌检查动员", "村委会", "讲解两癌免费检查政策，组织适龄妇女报名。"),
    ("禁毒防艾宣传", "集市", "摆摊设点宣传禁毒防艾知识。"),
    ("家庭教育讲座", "妇女之家", "请中心校老师讲怎样和孩子沟通。"),
]
PETITIONS = {
    PetitionCategory.MARRIAGE_FAMILY: [
        "丈夫长期在外不联系，反映家庭生活困难，希望妇联帮助联系。",
        "与婆婆因赡养老人问题发生争吵，请求调解。",
        "夫妻闹离婚，孩子抚养问题意见不一致。",
    ],
    PetitionCategory.DOMESTIC_VIOLENCE: [
        "反映丈夫酒后打人，请求妇联帮助。",
        "反映遭受家庭暴力，身上有伤，要求出具告诫。",
    ],
    PetitionCategory.PROPERTY: [
        "出嫁后承包地被收回，反映土地权益问题。",
        "离婚后宅基地分割有争议。",
        "征地补偿款分配没有她的份额。",
    ],
    PetitionCategory.OTHER: ["咨询小额担保贷款的申请条件。", "反映低保评定不公平。"],
}


def seed_outreach(*, rng: random.Random, township: Township, today: dt.date | None = None) -> int:
    """Create the demo outreach of ``township``; return the number of records created (0 when any exists).

    Left-behind women are registered first when the township has none for the year: every woman
    ``registry.selectors.left_behind_woman_candidates`` finds, each checked by the register's rules.
    """
    today = today or timezone.localdate()
    villages = list(Village.objects.filter(township=township).order_by("code"))
    if not villages or _has_outreach(township):
        return 0
    with transaction.atomic():
        created = _register_left_behind_women(villages, today.year)
        created += _visits(rng, villages, today)
        created += _screenings(rng, villages, today)
        created += _volunteers(rng, township, villages, today)
        created += _petitions(rng, villages, today)
        created += _reports(rng, villages, today)
        created += _tasks(rng, township, villages, today)
        created += seed_lectures(rng=rng, township=township, villages=villages, today=today)
        created += seed_honours(rng=rng, township=township, villages=villages, today=today)
    return created


def _has_outreach(township: Township) -> bool:
    in_township = {"village__township": township}
    return (
        Visit.all_objects.filter(person__village__township=township).exists()
        or Screening.all_objects.filter(person__village__township=township).exists()
        or VolunteerTeam.all_objects.filter(township=township).exists()
        or Petition.all_objects.filter(**in_township).exists()
        or RegisterReport.all_objects.filter(**in_township).exists()
        or Task.all_objects.filter(township=township).exists()
    )


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _director_names(villages: list[Village]) -> dict[int, str]:
    """Return each village's director's name: her log-in's, else her register entry's, else ''."""
    names = {
        m.village_id: m.user.first_name
        for m in Membership.objects.filter(role=Role.VILLAGE_DIRECTOR, village__in=villages).select_related(
            "user"
        )
    }
    for director in VillageDirector.objects.filter(village__in=villages, left_office_on__isnull=True):
        names.setdefault(director.village_id, director.name)
    return names


def _register_left_behind_women(villages: list[Village], year: int) -> int:
    if LeftBehindWoman.objects.filter(person__village__in=villages, year=year).exists():
        return 0
    from registry.selectors import left_behind_woman_candidates

    # The selector asks for a user; the demo acts as the administrator and narrows to the township.
    system = get_user_model()(username="demo", is_superuser=True, is_active=True)
    created = 0
    for woman in (
        left_behind_woman_candidates(user=system, year=year).filter(village__in=villages).order_by("pk")
    ):
        entry = LeftBehindWoman(
            person=woman,
            year=year,
            # entered on the day the candidates were judged (or today, before it)
            entered_on=min(year_settings(year).ages_on, timezone.localdate()),
            lives_with=LivesWith.FAMILY,
            at_registration_place=True,
        )
        entry.full_clean()
        entry.save()
        created += 1
    return created


def _visits(rng: random.Random, villages: list[Village], today: dt.date) -> int:
    """Write the year's visits: the left-behind women's, then the rest of the directors' 民情日记 —
    a visit to each poor woman on no left-behind register, and a dispute's or a petition's family
    in each village."""
    year = today.year
    line = year_settings(year).poverty_line
    directors = _director_names(villages)
    women = list(
        LeftBehindWoman.objects.filter(person__village__in=villages, year=year)
        .select_related("person__village", "person__household")
        .prefetch_related("person__household__incomes")
        .order_by("pk")
    )
    poor = set(
        PoorWoman.objects.filter(person__village__in=villages, year=year).values_list("person_id", flat=True)
    )

    def visit(person: Person, day: dt.date, visited_for: str, is_poor: bool) -> Visit:
        visitors = directors.get(person.village_id, director_title())
        if rng.random() < 0.3:
            visitors += "、乡妇联干部"
        return Visit(
            person=person,
            visited_for=visited_for,
            visited_on=day,
            mode=VisitMode.PHONE if rng.random() < 0.2 else VisitMode.HOME,
            visitors=visitors,
            is_poor=is_poor,
            poverty_reason=rng.choice(POVERTY_REASONS) if is_poor else "",
            living_situation=rng.choice(LIVING),
            difficulties=rng.choice(DIFFICULTIES),
            help_given=rng.choice(HELP),
            result=rng.choice(RESULTS),
        )

    visits = []
    for entry in women:
        person = entry.person
        count = rng.choices([0, 1, 2, 3], weights=[2, 3, 4, 1])[0]
        days = sorted(_day_between(rng, dt.date(year, 1, 8), today) for _ in range(count))
        for day in days:
            income = person.household.income_of(year) if person.household is not None else None
            is_poor = person.pk in poor or (income is not None and income.per_capita_income < line)
            visits.append(visit(person, day, VisitedFor.LEFT_BEHIND, is_poor))
    listed = {entry.person_id for entry in women}
    for person in Person.objects.filter(pk__in=poor - listed).order_by("pk"):
        visits.append(visit(person, _day_between(rng, dt.date(year, 1, 8), today), VisitedFor.POOR, True))
    residents = Person.objects.filter(deceased=False, household__isnull=False).exclude(pk__in=listed)
    for village in villages:
        person = residents.filter(village=village).order_by("pk").first()
        if person is not None:
            group = rng.choice([VisitedFor.DISPUTE_FAMILY, VisitedFor.PETITION_FAMILY])
            visits.append(visit(person, _day_between(rng, dt.date(year, 1, 8), today), group, False))
    for record in visits:
        record.fill_derived()  # bulk_create skips save()
    history.bulk_create(visits, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    return len(visits)


def _screenings(rng: random.Random, villages: list[Village], today: dt.date) -> int:
    year = today.year
    born_after, born_by = screening_birth_range(year=year)
    campaign_start = dt.date(year, 4, 1)
    if today < campaign_start:
        return 0
    campaign_end = min(dt.date(year, 6, 30), today)
    women = Person.objects.filter(
        village__in=villages, sex="F", deceased=False, birth_date__gt=born_after, birth_date__lte=born_by
    ).order_by("pk")
    screenings = []
    for woman in women:
        for kind, share in ((ScreeningKind.CERVICAL, 0.4), (ScreeningKind.BREAST, 0.33)):
            if rng.random() >= share:
                continue
            result = rng.choices(ScreeningResult.values, weights=[930, 50, 15, 5])[0]
            screening = Screening(
                person=woman,
                year=year,
                kind=kind,
                screened_on=_day_between(rng, campaign_start, campaign_end),
                institution=rng.choice(INSTITUTIONS),
                result=result,
            )
            if result == ScreeningResult.ABNORMAL:
                screening.follow_up = "已通知到县妇幼保健院复查。"
            elif result in (ScreeningResult.PRECANCEROUS, ScreeningResult.CANCER):
                screening.follow_up = f"{director_title()}每月电话随访。"
                screening.treated = True
                screening.treatment = "在示范县人民医院治疗。"
                screening.relief_applied = result == ScreeningResult.CANCER
                screening.relief_granted = screening.relief_applied and rng.random() < 0.8
                screening.relief_amount = Decimal("10000") if screening.relief_granted else None
            screening.fill_derived()  # bulk_create skips save()
            screenings.append(screening)
    history.bulk_create(screenings, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    return len(screenings)


def _volunteers(rng: random.Random, township: Township, villages: list[Village], today: dt.date) -> int:
    year = today.year
    directors = _director_names(villages)
    director_records = {
        d.village_id: d for d in VillageDirector.objects.filter(village__in=villages).order_by("pk")
    }
    specialities = [s for s in Speciality.values if s != Speciality.OTHER]
    teams = [
        VolunteerTeam(
            township=township,
            village=None,
            name=f"{township.name}{TEAM_SUFFIX}",
            speciality=Speciality.CARE,
            leader=TOWNSHIP_MEMBERS[0][0],
            founded_on=dt.date(year - 1, 3, 8),
        )
    ]
    teams += [
        VolunteerTeam(
            township=township,
            village=village,
            name=f"{village.name}{TEAM_SUFFIX}",
            speciality=rng.choice(specialities),
            leader=directors.get(village.pk, ""),
            founded_on=dt.date(year - rng.randint(0, 3), 3, rng.randint(1, 18)),
        )
        for village in villages
    ]
    history.bulk_create(teams, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    township_team, village_teams = teams[0], teams[1:]
    members = [
        VolunteerMember(team=township_team, name=name, work_unit=unit, joined_on=dt.date(year, 3, 8))
        for name, unit in TOWNSHIP_MEMBERS
    ]
    for village, team in zip(villages, village_teams, strict=True):
        director = director_records.get(village.pk)
        name = director.name if director else directors.get(village.pk, "")
        if name:
            as_director = {
                "director": director,
                "name": name,
                "village": village,
                "work_unit": f"{village.name}村委会",
            }
            members.append(VolunteerMember(team=team, joined_on=dt.date(year, 3, 1), **as_director))
            if rng.random() < 0.5:  # she joins the township team too
                members.append(
                    VolunteerMember(team=township_team, joined_on=dt.date(year, 3, 8), **as_director)
                )
        women = list(
            Person.objects.filter(
                village=village, sex="F", deceased=False, birth_date__range=_ages(year, 25, 55)
            )
            .order_by("pk")
            .values_list("pk", "name", "phone")[:200]
        )
        for pk, person_name, phone in rng.sample(women, min(len(women), rng.randint(4, 7))):
            members.append(
                VolunteerMember(
                    team=team,
                    person_id=pk,
                    name=person_name,
                    village=village,
                    phone=phone,
                    joined_on=dt.date(year, 3, 1),
                )
            )
    history.bulk_create(members, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    by_team: dict[int, list[VolunteerMember]] = {}
    for member in members:
        by_team.setdefault(member.team_id, []).append(member)
    activities, chosen = [], []
    for team in teams:
        for title, place, content in rng.sample(ACTIVITIES, rng.randint(2, 4)):
            activities.append(
                VolunteerActivity(
                    team=team,
                    held_on=_day_between(rng, dt.date(year, 3, 1), today),
                    title=title,
                    place=place,
                    content=content,
                    other_participants=rng.randint(0, 5),
                    people_served=rng.randint(20, 150),
                )
            )
            team_members = by_team.get(team.pk, [])
            chosen.append(
                rng.sample(team_members, max(1, len(team_members) * 2 // 3)) if team_members else []
            )
    history.bulk_create(activities, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    through = VolunteerActivity.participants.through
    through.objects.bulk_create(
        through(volunteeractivity_id=activity.pk, volunteermember_id=member.pk)
        for activity, participants in zip(activities, chosen, strict=True)
        for member in participants
    )
    return len(teams) + len(members) + len(activities)


def _ages(year: int, low: int, high: int) -> tuple[dt.date, dt.date]:
    """Return the birth dates (earliest, latest) of people aged ``low`` to ``high`` on 1 January ``year``."""
    return dt.date(year - high - 1, 1, 2), dt.date(year - low, 1, 1)


def _petitions(rng: random.Random, villages: list[Village], today: dt.date) -> int:
    directors = _director_names(villages)
    categories = list(PETITIONS)
    petitions = []
    for village in villages:
        women = list(
            Person.objects.filter(
                village=village, sex="F", deceased=False, birth_date__range=_ages(today.year, 20, 70)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:300]
        )
        for _ in range(rng.randint(1, 4)):
            category = rng.choices(categories, weights=[40, 15, 30, 15])[0]
            received = _day_between(rng, dt.date(today.year, 1, 5), today)
            handling = rng.choices(Handling.values, weights=[6, 3, 1])[0]
            # Most old cases are closed by now; recent ones are often still open.
            closes = rng.random() < (0.9 if (today - received).days > 45 else 0.4)
            closed = received + dt.timedelta(days=rng.randint(3, 40)) if closes else None
            closed = closed if closed and closed <= today else None
            person_id = rng.choice(women) if women and rng.random() < 0.75 else None
            petition = Petition(
                village=village,
                received_on=received,
                way=rng.choices(PetitionWay.values, weights=[1, 6, 3])[0],
                person_id=person_id,
                petitioner_name="" if person_id else rng.choice(["王大姐", "刘某某", "陈女士", "一位村民"]),
                category=category,
                summary=rng.choice(PETITIONS[category]),
                received_by=directors.get(village.pk, director_title()),
                handling=handling,
                referred_to="乡司法所" if handling == Handling.REFERRED else "",
                mediation=rng.choice([MediationResult.SUCCEEDED, MediationResult.FAILED]) if closed else "",
                return_visit_on=closed + dt.timedelta(days=7)
                if closed and closed + dt.timedelta(days=7) <= today
                else None,
                closed_on=closed,
            )
            # The result says what the outcome says (outreach.rules.mediation_problems).
            petition.result = MEDIATION_RESULTS.get(petition.mediation, "")
            if person_id:
                petition.petitioner_name = Person.objects.get(pk=person_id).name
            petitions.append(petition)
    history.bulk_create(petitions, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    return len(petitions)


def _reports(rng: random.Random, villages: list[Village], today: dt.date) -> int:
    year = today.year
    deadlines = register_deadlines(year)
    users = {
        m.village_id: m.user
        for m in Membership.objects.filter(role=Role.VILLAGE_DIRECTOR, village__in=villages).select_related(
            "user"
        )
    }
    reports = []
    for village in villages:
        for register in deadlines:
            due_on = deadlines[register]
            draw = rng.random()
            if draw < 0.7:
                day = due_on - dt.timedelta(days=rng.randint(0, 20))
            elif draw < 0.85:
                day = due_on + dt.timedelta(days=rng.randint(1, 30))
            else:
                continue
            if day > today:
                continue
            reported_at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
            )
            reports.append(
                RegisterReport(
                    village=village,
                    year=year,
                    register=register,
                    reported_at=reported_at,
                    reported_by=users.get(village.pk),
                )
            )
    history.bulk_create(reports, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
    return len(reports)


#: The demo's tasks from above (2014 plan item 12): (title, document, what to do, number asked, text
#: asked, days from today to the due date). The county's comes first, for the township itself.
DEMO_TASKS = (
    (
        "群众路线教育实践活动情况报告",
        "凉妇发(2014)11号",
        "报送本乡镇开展群众路线教育实践活动的情况。",
        "",
        True,
        -45,
    ),
    ("六一儿童节慰问留守儿童", "", "各村走访慰问留守儿童，报慰问人数和情况。", "慰问儿童人数", True, -30),
    ("禁毒防艾宣传进村", "", "组织一次禁毒防艾宣传，报参加人数。", "参加人数", False, -8),
    (
        "城乡环境综合治理妇女参与情况",
        "",
        "发动妇女参与环境整治，报参与人数和做法。",
        "参与妇女人数",
        True,
        20,
    ),
)


def _tasks(rng: random.Random, township: Township, villages: list[Village], today: dt.date) -> int:
    """Create the township's tasks of the year: the county's one, handed in; one every village handed
    in on time; one a village handed in late and one has not (late now); one still open."""
    first_day = dt.date(today.year, 1, 2)
    directors = {
        m.village_id: m.user
        for m in Membership.objects.filter(role=Role.VILLAGE_DIRECTOR, village__in=villages).select_related(
            "user"
        )
    }
    staff = (
        Membership.objects.filter(township=township, role=Role.TOWNSHIP_STAFF).select_related("user").first()
    )
    created = 0
    for index, (title, document, instructions, number_label, asks_text, days) in enumerate(DEMO_TASKS):
        due_on = max(today + dt.timedelta(days=days), first_day)
        task = Task(
            county_id=township.county_id,
            township=None if index == 0 else township,
            title=title,
            document=document,
            instructions=instructions,
            due_on=due_on,
            asks_number=bool(number_label),
            number_label=number_label,
            asks_text=asks_text,
            set_by=staff.user if staff and index else None,
        )
        task.full_clean()
        history.save(task, actor=None, reason=CHANGE_REASON)
        created += 1
        if index == 0:
            units = [TaskAssignment(task=task, township=township)]
        else:
            units = [TaskAssignment(task=task, township=township, village=village) for village in villages]
        for number, part in enumerate(units):
            if due_on > today or (index == 2 and number == len(units) - 1):
                continue  # still open; the last village has not handed in the 禁毒防艾 task (late)
            late = index == 2 and number == 0
            day = (
                min(due_on + dt.timedelta(days=3), today)
                if late
                else due_on - dt.timedelta(days=rng.randint(0, 6))
            )
            part.done_at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), 0)))
            part.late = day > due_on
            part.handed_in_by = staff.user if (index == 0 and staff) else directors.get(part.village_id)
            if task.asks_number:
                part.number = Decimal(rng.randint(8, 60))
            if asks_text:
                part.text = "已按要求完成，" + rng.choice(
                    ["照片存村妇联办公室。", "情况已向村支部汇报。", "群众反映较好。"]
                )
        history.bulk_create(units, actor=None, reason=CHANGE_REASON, batch_size=BATCH_SIZE)
        created += len(units)
    return created
