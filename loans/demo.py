"""Demo microloans for ``seed_demo``: applications in every state, signed through the service.

:func:`seed_loans` picks unemployed women of the demo township, drafts their applications as their
village director and walks each along the path to its planned state with the real users (director,
chair, staff), so every signature carries a real digest and ``verify_signatures`` passes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from federation.core.idnumber import age_on, make_id_number
from federation.core.models import Membership, Township
from federation.core.roles import Role
from loans.models import Guarantor, GuarantorKind, LoanApplication
from loans.services import application_save, application_transition
from loans.states import Action, Status
from registry.models import Employment, Person

#: (planned status, action that ends a refused or withdrawn one, reason). In path order.
PLAN: list[tuple[str, str | None, str]] = [
    (Status.DRAFT, None, ""),
    (Status.DRAFT, None, ""),
    (Status.SUBMITTED, None, ""),
    (Status.SUBMITTED, None, ""),
    (Status.VILLAGE_SIGNED, None, ""),
    (Status.VILLAGE_SIGNED, None, ""),
    (Status.TOWNSHIP_SIGNED, None, ""),
    (Status.TOWNSHIP_SIGNED, None, ""),
    (Status.COOPERATIVE_AGREED, None, ""),
    (Status.STAMPED, None, ""),
    (Status.DISBURSED, None, ""),
    (Status.DISBURSED, None, ""),
    (Status.DISBURSED, None, ""),
    (Status.DISBURSED, None, ""),
    (Status.REPAID, None, ""),
    (Status.REPAID, None, ""),
    (Status.REFUSED, Action.REFUSE_VILLAGE, "申请人已在县城从事个体经营，不属于未就业妇女。"),
    (Status.REFUSED, Action.REFUSE_TOWNSHIP, "项目可行性论证不足，建议完善养殖方案后再申请。"),
    (Status.REFUSED, Action.COOPERATIVE_REFUSE, "担保人定期存款将于贷款期内到期，信用社不同意。"),
    (Status.WITHDRAWN, Action.WITHDRAW, "家中有变故，申请人自愿撤回申请。"),
]

PROJECTS = [
    ("生猪养殖", "购买仔猪 20 头、饲料和防疫药品"),
    ("肉牛养殖", "购买西门塔尔肉牛 4 头，修缮圈舍"),
    ("蔬菜大棚种植", "搭建钢架大棚 2 个，购买种苗和滴灌设备"),
    ("核桃种植", "购买核桃嫁接苗 600 株和有机肥"),
    ("土鸡养殖", "购买鸡苗 800 只，搭建鸡舍"),
    ("农家乐经营", "添置餐桌椅、厨具，改造客房 3 间"),
    ("苦荞加工", "购买苦荞茶炒制和包装设备"),
    ("民族服饰刺绣", "购买刺绣原料和缝纫机，带动本组妇女加工"),
]
AMOUNTS = [20000, 25000, 30000, 30000, 40000, 50000, 60000, 80000]
WORK_UNITS = ["幸福乡中心校", "幸福乡卫生院", "幸福乡人民政府", "示范县农业农村局", "幸福乡畜牧兽医站"]
BANKS = ["示范县农村信用合作联社幸福信用社", "中国农业银行示范县支行", "中国邮政储蓄银行示范县支行"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "建国",
    "志强",
    "秀英",
    "桂芳",
    "明",
    "红梅",
    "国华",
    "文",
    "德明",
    "丽",
    "永刚",
    "玉兰",
    "海",
    "春燕",
]


def _guarantors(rng: random.Random, count: int) -> list[Guarantor]:
    guarantors = []
    for _ in range(count):
        born = dt.date(rng.randint(1965, 1992), rng.randint(1, 12), rng.randint(1, 28))
        sex_digit = rng.randint(0, 499) * 2 + rng.randint(0, 1)
        common = {
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "id_number": make_id_number("513401", born, sex_digit % 1000),
            "phone": f"1{rng.choice([38, 39, 58, 87])}{rng.randint(0, 99999999):08d}",
        }
        if rng.random() < 0.6:
            guarantors.append(
                Guarantor(kind=GuarantorKind.PUBLIC_FUNDED, work_unit=rng.choice(WORK_UNITS), **common)
            )
        else:
            guarantors.append(
                Guarantor(
                    kind=GuarantorKind.DEPOSIT,
                    bank=rng.choice(BANKS),
                    deposit_amount=Decimal(rng.choice([30000, 50000, 80000, 100000])),
                    **common,
                )
            )
    return guarantors


def _users(township: Township) -> tuple[dict[int, object], object | None, object | None]:
    memberships = Membership.objects.select_related("user").filter(user__is_active=True)
    directors = {
        m.village_id: m.user
        for m in memberships.filter(role=Role.VILLAGE_DIRECTOR, village__township=township).order_by("pk")
    }
    chair = memberships.filter(role=Role.TOWNSHIP_CHAIR, township=township).order_by("pk").first()
    staff = memberships.filter(role=Role.TOWNSHIP_STAFF, township=township).order_by("pk").first()
    return directors, chair and chair.user, staff and staff.user


def _step(application, user, action, **data):
    return application_transition(application=application, user=user, action=action, **data)


def seed_loans(*, rng: random.Random, township: Township) -> int:
    """Create demo applications in every state for ``township``; return how many (0 when loans exist).

    Deterministic for ``rng``. The steps are taken now, through the service, so the dates that follow a
    signature (the cooperative's decision, the disbursement, the repayment) are today's; the
    application dates lie up to four months back.
    Needs the township's chair, staff and village directors (``seed_demo`` creates them).
    """
    if LoanApplication.all_objects.exists():
        return 0
    return seed_township_loans(rng=rng, township=township, plan=PLAN)


def seed_township_loans(*, rng: random.Random, township: Township, plan=PLAN) -> int:
    """Create one application for each line of ``plan`` in ``township``, walked to its state by the
    township's own director, chair and staff; return how many (0 without them or enough women)."""
    directors, chair, staff = _users(township)
    if not directors or chair is None or staff is None:
        return 0
    today = timezone.localdate()
    women = [
        woman
        for woman in Person.objects.filter(
            village_id__in=list(directors),
            sex="F",
            deceased=False,
            employment=Employment.UNEMPLOYED,
            id_number__isnull=False,
            birth_date__isnull=False,
        ).order_by("pk")
        # 19 to 50 today: 18 to 50 on any application date of the last four months.
        if 19 <= age_on(woman.birth_date, today) <= 50
    ]
    if len(women) < len(plan):
        return 0
    chosen = rng.sample(women, len(plan))
    with transaction.atomic():
        for (target, ending, reason), woman in zip(plan, chosen, strict=True):
            amount = Decimal(rng.choice(AMOUNTS))
            project, purpose = rng.choice(PROJECTS)
            applied_on = today - dt.timedelta(days=rng.randint(10, 120))
            director = directors[woman.village_id]
            application = application_save(
                user=director,
                application=LoanApplication(
                    applicant=woman,
                    amount=amount,
                    project=project,
                    purpose=purpose,
                    own_funds=Decimal(rng.choice([5000, 8000, 10000, 15000, 20000])),
                    term_months=rng.choice([12, 24, 24, 36]),
                    applied_on=applied_on,
                ),
                guarantors=_guarantors(rng, 1 if amount <= 30000 else 2),
            )
            _walk(application, target, ending, reason, director=director, chair=chair, staff=staff, rng=rng)
    return len(plan)


def _walk(application, target, ending, reason, *, director, chair, staff, rng: random.Random) -> None:
    """Take ``application`` along the path to ``target`` (ending with ``ending`` when it is refused)."""
    today = timezone.localdate()
    steps = [
        (Action.SUBMIT, director, {}),
        (Action.SIGN_VILLAGE, director, {}),
        (Action.SIGN_TOWNSHIP, chair, {}),
        (Action.COOPERATIVE_AGREE, staff, {"decided_on": today, "loan_number": ""}),
        (Action.STAMP, chair, {}),
        (
            Action.DISBURSE,
            staff,
            {
                "disbursed_on": today,
                "disbursed_amount": application.amount,
                "disbursed_term_months": application.term_months,
                "interest_rate": Decimal(rng.choice(["4.35", "4.75", "5.22"])),
            },
        ),
        (
            Action.REPAY,
            staff,
            {"repaid_on": today},
        ),
    ]
    stop_before = {
        Action.REFUSE_VILLAGE: Action.SIGN_VILLAGE,
        Action.REFUSE_TOWNSHIP: Action.SIGN_TOWNSHIP,
        Action.COOPERATIVE_REFUSE: Action.COOPERATIVE_AGREE,
        Action.WITHDRAW: Action.SIGN_TOWNSHIP,
    }.get(ending)
    for action, user, data in steps:
        if application.status == target or action == stop_before:
            break
        if action == Action.COOPERATIVE_AGREE:
            data["loan_number"] = f"XF{data['decided_on']:%Y}{application.pk:05d}"
        application = _step(application, user, action, **data)
    if ending == Action.REFUSE_VILLAGE:
        _step(application, director, ending, reason=reason)
    elif ending == Action.REFUSE_TOWNSHIP:
        _step(application, chair, ending, reason=reason)
    elif ending == Action.COOPERATIVE_REFUSE:
        _step(application, staff, ending, reason=reason, decided_on=today)
    elif ending == Action.WITHDRAW:
        _step(application, director, ending, reason=reason)
