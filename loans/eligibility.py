"""Who may get a women's microloan (妇女小额担保贷款), judged by one function every path calls.

Seed, 2014 plan item 9: "一个妇女只能享受一次，贷款数额是2万以上8万以下，年龄是18-50周岁的未就业妇女，
贷款担保应由财政拨款人员担保或者有定期存款人员担保，3万以下一人担保，3万以上8万以下需2人担保。"
'以上' and '以下' include the number itself (民法典 第1259条). The values are yearly settings
(``loans.models.LoanSettings``). The form, the services (whose check is the one that counts), the
admin and any import call :func:`check_eligibility`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from federation.core.idnumber import age_on, parse_id_number
from federation.core.rules import Problem
from loans.models import GuarantorKind, LoanApplication, LoanSettings, loan_settings
from loans.states import BLOCKING, GRANTED
from registry.models import Employment, Person


class GuarantorLike(Protocol):
    """What the rules read of a guarantor: a saved or unsaved ``Guarantor`` has it."""

    name: str
    id_number: str
    kind: str
    work_unit: str
    bank: str
    deposit_amount: Decimal | None


def _yuan(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _normalised(number: str | None) -> str | None:
    try:
        return parse_id_number(number or "").number
    except ValidationError:
        return None


def earlier_loan(*, applicant: Person, exclude: LoanApplication | None = None) -> LoanApplication | None:
    """Return her earlier pending or granted loan anywhere in the installation, or None.

    Matched by ID number across the whole installation (unscoped on purpose: another village or
    township counts too), loans granted before the system (imported, ``before_system``) included;
    refused, withdrawn, draft and deleted applications do not count. A granted loan is returned
    before a pending one, the earliest first.
    """
    number = _normalised(applicant.id_number)
    match = Q(applicant_id=applicant.pk) if applicant.pk is not None else Q(pk__in=[])
    if number:
        match |= Q(applicant__id_number=number) | Q(applicant_id_number=number)
    others = LoanApplication.objects.filter(match, status__in=BLOCKING).select_related("village")
    if exclude is not None and exclude.pk is not None:
        others = others.exclude(pk=exclude.pk)
    granted = others.filter(status__in=GRANTED).order_by("disbursed_on", "applied_on", "pk").first()
    return granted or others.order_by("applied_on", "pk").first()


def once_in_a_life_problems(
    *, applicant: Person, exclude_application: LoanApplication | None = None
) -> list[Problem]:
    """Return the once-in-a-life rule's failure: a pending or granted loan of hers anywhere blocks.

    The message names the year and the village of the earlier loan and nothing else of it (its
    amount, bank and dates stay with the village that holds it: the user may not see that village).
    """
    earlier = earlier_loan(applicant=applicant, exclude=exclude_application)
    if earlier is None:
        return []
    values = {"year": earlier.granted_year, "village": earlier.village.name}
    if earlier.status in GRANTED:
        message = _(
            "她已于 %(year)s 年在%(village)s获得过妇女小额担保贷款，每人一生只能申请一次（按身份证号核对）。"
        )
    else:
        message = _(
            "她已于 %(year)s 年在%(village)s申请了妇女小额担保贷款，正在办理中；每人一生只能申请一次"
            "（按身份证号核对）。"
        )
    return [Problem("once_in_a_life", message % values, "applicant")]


def applicant_problems(*, applicant: Person, on: dt.date, settings: LoanSettings) -> list[Problem]:
    """Return the applicant's failed conditions: a living woman, aged min..max on ``on``, unemployed."""
    problems = []
    if applicant.deceased:
        problems.append(Problem("deceased", _("申请人已故。"), "applicant"))
    if applicant.sex != "F":
        problems.append(Problem("not_a_woman", _("妇女小额担保贷款的申请人须为女性。"), "applicant"))
    number = _normalised(applicant.id_number)
    if number is None:
        problems.append(
            Problem(
                "id_number_missing",
                _("年龄条件：须按身份证号计算年龄，她还没有登记有效的身份证号，请先补录。"),
                "applicant",
            )
        )
    else:
        age = age_on(parse_id_number(number).birth_date, on)
        if not settings.min_age <= age <= settings.max_age:
            problems.append(
                Problem(
                    "age",
                    _(
                        "年龄条件：申请人须为 %(low)d 至 %(high)d 周岁（含），按身份证号在申请日期 "
                        "%(on)s 她 %(age)d 周岁。"
                    )
                    % {"low": settings.min_age, "high": settings.max_age, "on": on.isoformat(), "age": age},
                    "applicant",
                )
            )
    if applicant.employment != Employment.UNEMPLOYED:
        shown = applicant.get_employment_display() if applicant.employment else _("未填写")
        problems.append(
            Problem(
                "employed",
                _("就业条件：申请人须为未就业妇女，她登记的就业状况是“%(employment)s”。")
                % {"employment": shown},
                "applicant",
            )
        )
    return problems


def amount_problems(*, amount: Decimal | None, settings: LoanSettings) -> list[Problem]:
    """Return the amount rule's failure: from min to max yuan, both included."""
    if amount is None:
        return [Problem("amount_missing", _("请填写申请金额。"), "amount")]
    if not settings.min_amount <= amount <= settings.max_amount:
        return [
            Problem(
                "amount",
                _("金额条件：贷款数额须在 %(low)s 元至 %(high)s 元之间（含本数），这里是 %(amount)s 元。")
                % {
                    "low": _yuan(settings.min_amount),
                    "high": _yuan(settings.max_amount),
                    "amount": _yuan(amount),
                },
                "amount",
            )
        ]
    return []


def guarantor_problems(
    *,
    applicant: Person,
    amount: Decimal | None,
    guarantors: Sequence[GuarantorLike],
    settings: LoanSettings,
) -> list[Problem]:
    """Return the guarantee rules' failures: how many, what kind, never the applicant, never twice."""
    problems = []
    needed = 2 if amount is not None and amount > settings.one_guarantor_limit else 1
    if len(guarantors) < needed:
        limit = _yuan(settings.one_guarantor_limit)
        message = (
            _("担保条件：超过 %(limit)s 元须有两名担保人，这里有 %(n)d 名。")
            if needed == 2
            else _("担保条件：%(limit)s 元以下（含）须有一名担保人，这里还没有。")
        )
        problems.append(
            Problem("guarantor_count", message % {"limit": limit, "n": len(guarantors)}, "guarantors")
        )
    applicant_number = _normalised(applicant.id_number)
    seen: set[str] = set()
    for guarantor in guarantors:
        label = guarantor.name or _("（未填姓名）")
        number = _normalised(guarantor.id_number)
        if number is None:
            problems.append(
                Problem(
                    "guarantor_id_number",
                    _("担保人%(name)s：身份证号无效。") % {"name": label},
                    "guarantors",
                )
            )
        elif applicant_number is not None and number == applicant_number:
            problems.append(
                Problem(
                    "guarantor_is_applicant",
                    _("担保人%(name)s：申请人本人不能做自己的担保人。") % {"name": label},
                    "guarantors",
                )
            )
        if number is not None and number in seen:
            problems.append(
                Problem(
                    "guarantor_twice",
                    _("担保人%(name)s：同一担保人不能在一份申请中列两次。") % {"name": label},
                    "guarantors",
                )
            )
        if number is not None:
            seen.add(number)
        if guarantor.kind == GuarantorKind.PUBLIC_FUNDED:
            if not (guarantor.work_unit or "").strip():
                problems.append(
                    Problem(
                        "guarantor_work_unit",
                        _("担保人%(name)s：财政拨款人员须填写工作单位。") % {"name": label},
                        "guarantors",
                    )
                )
        elif guarantor.kind == GuarantorKind.DEPOSIT:
            if not (guarantor.bank or "").strip() or not guarantor.deposit_amount:
                problems.append(
                    Problem(
                        "guarantor_deposit",
                        _("担保人%(name)s：定期存款人员须填写存款银行和存款金额。") % {"name": label},
                        "guarantors",
                    )
                )
        else:
            problems.append(
                Problem(
                    "guarantor_kind",
                    _("担保人%(name)s：担保人须为财政拨款人员或有定期存款的人员。") % {"name": label},
                    "guarantors",
                )
            )
    return problems


def check_eligibility(
    *,
    applicant: Person,
    amount: Decimal | None,
    guarantors: Sequence[GuarantorLike],
    on: dt.date,
    exclude_application: LoanApplication | None = None,
    settings: LoanSettings | None = None,
) -> list[Problem]:
    """Return every failed rule of a microloan application (empty: she may have the loan).

    ``on`` is the application date (ages are counted on it); ``settings`` defaults to the loan
    settings of its year; ``exclude_application`` is the application being judged, so that it does
    not block itself. Rules: seed 2014 plan item 9, see the module docstring.
    """
    settings = settings or loan_settings(on.year)
    amount = Decimal(str(amount)) if amount is not None else None
    return [
        *once_in_a_life_problems(applicant=applicant, exclude_application=exclude_application),
        *amount_problems(amount=amount, settings=settings),
        *applicant_problems(applicant=applicant, on=on, settings=settings),
        *guarantor_problems(applicant=applicant, amount=amount, guarantors=guarantors, settings=settings),
    ]
