"""The application and approval form (妇女小额担保贷款财政贴息申请审批表) as a PDF (WeasyPrint).

The signature blocks follow DESIGN.md's order: village, township, guarantors, credit cooperative,
stamp, interest subsidy; each is filled with the name, role and date of the step given so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from federation.core.policy import id_number_for, phone_for
from federation.core.roles import Role
from loans.models import LoanApplication, Transition, loan_settings
from loans.states import Action, Status

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿"]


def rmb_upper(amount: Decimal) -> str:
    """Return an amount in capital Chinese numerals as written on money forms: 30000 → 叁万元整."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    yuan, cents = divmod(int(amount * 100), 100)
    if yuan == 0 and cents == 0:
        return "零元整"
    words = ""
    section_index = 0
    need_zero = False
    while yuan > 0:
        yuan, section = divmod(yuan, 10000)
        if section:
            text, zero = "", False
            for position in range(4):
                section, digit = divmod(section, 10)
                if digit:
                    text = _DIGITS[digit] + _UNITS[position] + ("零" if zero and text else "") + text
                    zero = False
                else:
                    zero = True
            words = text + _SECTIONS[section_index] + ("零" if need_zero and words else "") + words
            need_zero = zero
        else:
            need_zero = True
        section_index += 1
    words = words + "元" if words else ""
    jiao, fen = divmod(cents, 10)
    if not cents:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def chinese_date(day: dt.date | None) -> str:
    """Return 2026年3月18日, or blanks to fill in by hand."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　年　　月　　日"


@dataclass
class SignatureBlock:
    """One block of the form: its title, the step given (who, role, date, check code) or blanks."""

    title: str
    statement: str = ""
    signer_label: str = "签字"
    signer: str = ""
    role: str = ""
    on: dt.date | None = None
    #: The step's check code (``loans.chain.check_code`` of its seal).
    code: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return chinese_date(self.on)


def _from_step(title: str, step: Transition | None, *, agreed: str, refused: str) -> SignatureBlock:
    if step is None:
        return SignatureBlock(title=title)
    refusing = step.to_status == Status.REFUSED
    statement = f"{refused}{step.reason}" if refusing else agreed
    return SignatureBlock(
        title=title,
        statement=statement,
        signer=step.user_name,
        role=Role(step.role).label if step.role in Role.values else "",
        on=timezone.localtime(step.at).date(),
        code=step.check_code,
    )


def signature_blocks(application: LoanApplication) -> list[SignatureBlock]:
    """Return the form's six blocks in DESIGN.md's order, filled with the steps given so far."""
    steps = {t.action: t for t in application.transitions.all()}
    village = _from_step(
        "村级妇联意见",
        steps.get(Action.SIGN_VILLAGE) or steps.get(Action.REFUSE_VILLAGE),
        agreed="经严格把关，申请人符合贷款条件，同意申请。",
        refused="不予通过：",
    )
    township = _from_step(
        "乡（镇）妇联意见",
        steps.get(Action.SIGN_TOWNSHIP) or steps.get(Action.REFUSE_TOWNSHIP),
        agreed="经审核，同意推荐。",
        refused="不予通过：",
    )
    guarantors = SignatureBlock(
        title="担保人意见",
        statement="本人自愿为申请人提供担保，承担担保责任。",
        lines=[(g.name, g.get_kind_display()) for g in application.guarantors.all()],
    )
    cooperative_step = steps.get(Action.COOPERATIVE_AGREE) or steps.get(Action.COOPERATIVE_REFUSE)
    cooperative = _from_step("信用社意见", cooperative_step, agreed="同意贷款。", refused="不同意：")
    if cooperative_step is not None:
        cooperative.on = application.cooperative_decided_on or cooperative.on
        cooperative.lines = [("贷款编号", application.loan_number)] if application.loan_number else []
        cooperative.signer_label = "登记人"
    stamp = _from_step("妇联盖章", steps.get(Action.STAMP), agreed="妇联已盖章。", refused="")
    subsidy = SignatureBlock(title="财政贴息", signer_label="财政部门审核")
    if application.disbursed_on:
        subsidy.statement = "已放款，按年度计算财政贴息。"
        subsidy.lines = [
            ("放款日期", chinese_date(application.disbursed_on)),
            ("放款金额", f"{application.disbursed_amount} 元"),
            ("贷款期限", f"{application.disbursed_term_months} 个月"),
            ("年利率", f"{application.interest_rate.normalize():f}%"),
            ("贴息比例", f"{loan_settings(application.disbursed_on.year).subsidy_percent.normalize():f}%"),
        ]
    return [village, township, guarantors, cooperative, stamp, subsidy]


def last_sealed(application: LoanApplication) -> Transition | None:
    """Return the application's last sealed step: its code checks the whole form as printed."""
    return application.transitions.filter(sequence__isnull=False).order_by("-sequence").first()


def application_form_context(*, application: LoanApplication, user) -> dict:
    """Return what the form shows: the applicant as frozen (or, for a draft, as registered now)."""
    from loans.selectors import applicant_details

    person = application.applicant
    return {
        "application": application,
        "draft": application.status == Status.DRAFT,
        "applicant": applicant_details(application=application, user=user),
        "village": application.village,
        "group": person.household.group if person.household_id else "",
        "amount_upper": rmb_upper(application.amount),
        "guarantors": [
            (g, id_number_for(user, g.id_number), phone_for(user, g.phone))
            for g in application.guarantors.all()
        ],
        "blocks": signature_blocks(application),
        "last_step": last_sealed(application),
        "rules": application.judged_settings(),
        "applied_on_text": chinese_date(application.applied_on),
        "printed_at": timezone.localtime(),
    }


def render_application_pdf(*, application: LoanApplication, user) -> bytes:
    """Return the application and approval form of ``application`` as PDF bytes (A4, CJK font embedded)."""
    from weasyprint import HTML

    html = render_to_string(
        "loans/application_form_pdf.html", application_form_context(application=application, user=user)
    )
    return HTML(string=html).write_pdf()
