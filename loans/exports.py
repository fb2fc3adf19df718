"""The loan ledger (贷款台账) in the county's layout, from the same selectors as its page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.idnumber import age_on
from federation.ledgers.exports import Column, Kind, Ledger, Table, Total, register
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Card, CardField
from federation.ledgers.model_ledgers import model_ledger
from loans.documents import SignatureBlock, rmb_upper, signature_blocks
from loans.models import BEFORE_SYSTEM, LoanApplication, Transition, loan_settings
from loans.selectors import (
    LEDGER_COLUMNS,
    loan_ledger_queryset,
    loan_ledger_row,
    subsidy_queryset,
    subsidy_row,
)
from loans.states import GRANTED, SIGNATURES, Status

KINDS = {
    "id_number": Kind.ID_NUMBER,
    "applied_on": Kind.DATE,
    "amount": Kind.MONEY,
    "term_months": Kind.INT,
    "status": Kind.CHOICE,
    "disbursed_on": Kind.DATE,
    "disbursed_amount": Kind.MONEY,
    "repaid_on": Kind.DATE,
}
WIDE = {"place": 10, "name": 9, "project": 10, "guarantors": 16, "status": 12, "loan_number": 13, "bank": 12}

#: How the ledger's columns are read back by the import of loans granted before the system
#: (``loans.imports.BeforeSystemLoanImporter``): one declaration for both directions.
IMPORTED_AS: dict[str, dict[str, Any]] = {
    "place": {"read": False},
    "name": {"help": _("可以留空；填了的须与身份证号登记的姓名一致。")},
    "id_number": {"required": True, "help": _("她须已在本村登记（先导入居民花名册）。")},
    "applied_on": {"help": _("空着为放款日期。")},
    "amount": {"required": True, "aliases": ("贷款金额（元）", "贷款金额", "金额")},
    "term_months": {"required": True, "aliases": ("贷款期限（月）", "期限")},
    "project": {"help": _("空着记为“未记载”。")},
    "guarantors": {"read": False},
    "status": {
        # A loan granted before the system is 已放款 or 已还清; the other statuses (and the marked
        # ones) are read back from a ledger the system exported, for rows of loans handled in it.
        "choices": [(value, label) for value, label in Status.choices if value in GRANTED],
        "value_aliases": {
            **{str(label): value for value, label in Status.choices},
            **{f"{label}（{BEFORE_SYSTEM}）": value for value, label in Status.choices},
        },
        "help": _("空着时，填了还清日期的为已还清，否则为已放款。"),
    },
    "loan_number": {"aliases": ("贷款合同号", "借据号")},
    "bank": {"aliases": ("贷款银行", "放款机构", "经办银行")},
    "disbursed_on": {"required": True, "aliases": ("发放日期", "贷款日期")},
    "disbursed_amount": {"help": _("空着为申请金额。")},
}

#: The loan ledger's columns: those of the ledger page (``loans.selectors.LEDGER_COLUMNS``), with one
#: 村组 cell for the village and the group.
HEADERS = {**dict(LEDGER_COLUMNS), "place": "村组"}
LEDGER_KEYS = ("place", "name", "id_number", "applied_on", "amount", "term_months", "project", "guarantors")
LEDGER_KEYS += ("status", "loan_number", "bank", "disbursed_on", "disbursed_amount", "repaid_on")

LOANS = Table(
    title=_("妇女小额担保贷款台账"),
    columns=tuple(
        Column(
            key,
            HEADERS[key],
            KINDS.get(key, Kind.TEXT),
            width=WIDE.get(key),
            wrap=key in ("project", "guarantors"),
            total=Total.SUM if key in ("amount", "disbursed_amount") else None,
            **IMPORTED_AS.get(key, {}),
        )
        for key in LEDGER_KEYS
    ),
    notes=(
        "台账列出本年度提交的全部申请（草稿不列入），未通过和已撤回的也列出并注明状态。",
        "合计行为申请金额和放款金额之和。各级签字的人和日期见每笔贷款的申请审批表。",
        f"状态注明“{BEFORE_SYSTEM}”的，是系统启用前发放、由台账导入的贷款，没有系统中的签字记录。",
    ),
    count_unit="笔",
    landscape=True,
)


def loans_queryset(user: Any, filters: ExportFilters) -> QuerySet[LoanApplication]:
    year = filters.year or timezone.localdate().year
    qs = loan_ledger_queryset(user=user, year=year)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs


def loan_row(application: LoanApplication, ctx: ExportContext) -> dict[str, Any]:
    row = loan_ledger_row(application, number=0, user=ctx.user)
    return {**row.__dict__, "place": f"{row.village}{row.group}"}


def _loan_ledger(name: str, layout: Any, queryset: Any, page: str, **attrs: Any) -> Ledger:
    """Return the registered ledger ``name`` of the loan applications, exported from ``loans:<page>``."""
    return register(
        model_ledger(LoanApplication, name, layout, queryset, list_views=(f"loans:{page}",), **attrs)
    )


_loan_ledger("loans", LOANS, loans_queryset, "ledger", row=loan_row)


# -- 财政贴息汇总表 ----------------------------------------------------------------------------------

SUBSIDY = Table(
    title=_("妇女小额担保贷款财政贴息汇总表"),
    columns=(
        Column("village", "村", width=8),
        Column("name", "借款人", width=9),
        Column("loan_number", "贷款编号", width=13),
        Column("disbursed_on", "放款日期", Kind.DATE),
        Column("amount", "贷款金额（元）", Kind.MONEY, total=Total.SUM),
        Column("interest_rate", "年利率（%）", width=8),
        Column("start", "计息起日", Kind.DATE),
        Column("last_day", "计息止日", Kind.DATE),
        Column("days", "计息天数", Kind.INT, total=Total.SUM),
        Column("interest", "应付利息（元）", Kind.MONEY, total=Total.SUM),
        Column("subsidy", "财政贴息（元）", Kind.MONEY, total=Total.SUM),
    ),
    notes=(
        "利息 = 放款金额 × 年利率 × 计息天数 ÷ 360；计息天数算头不算尾，按本年度截取。",
        lambda ctx: f"贴息比例按 {loan_settings(ctx.year).subsidy_percent}% 计（年度设置）。",
    ),
    count_unit="笔",
    landscape=True,
)


def subsidy_queryset_for_export(user: Any, filters: ExportFilters) -> QuerySet[LoanApplication]:
    qs = subsidy_queryset(user=user, year=filters.year or timezone.localdate().year)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs


def subsidy_rows(qs: QuerySet[LoanApplication], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    percent = loan_settings(ctx.year).subsidy_percent
    for application in qs.iterator(chunk_size=2000):
        row = subsidy_row(application, year=ctx.year, percent=percent)
        if row is not None:
            yield {**row.__dict__, "last_day": row.last_day}


_loan_ledger("loan_subsidy", SUBSIDY, subsidy_queryset_for_export, "subsidy", rows=subsidy_rows)


# -- 申请审批表（一笔一页） ------------------------------------------------------------------------------

APPROVAL_FORM = Card(
    title=_("妇女小额担保贷款财政贴息申请审批表"),
    sections=(
        (
            _("申请人情况"),
            (
                CardField("name", _("姓名")),
                CardField("age", _("年龄")),
                CardField("id_number", _("身份证号"), Kind.ID_NUMBER),
                CardField("phone", _("联系电话"), Kind.PHONE),
                CardField("place", _("村组")),
                CardField("employment", _("就业状况")),
                CardField("address", _("家庭住址"), wide=True),
                CardField("spouse", _("配偶姓名")),
                CardField("spouse_id_number", _("配偶身份证号"), Kind.ID_NUMBER),
            ),
        ),
        (
            _("贷款申请"),
            (
                CardField("applied_on", _("申请日期"), Kind.DATE),
                CardField("term_months", _("期限（月）")),
                CardField("amount", _("申请金额（元）"), Kind.MONEY),
                CardField("amount_upper", _("大写")),
                CardField("project", _("创业项目"), wide=True),
                CardField("guarantors", _("担保人"), wide=True),
                CardField("status", _("办理状态"), wide=True),
            ),
        ),
        (
            _("审批意见"),
            tuple(
                CardField(f"block{i}", title, wide=True)
                for i, title in enumerate(
                    ("村级妇联意见", "乡（镇）妇联意见", "担保人意见", "信用社意见", "妇联盖章", "财政贴息")
                )
            ),
        ),
    ),
    notes=("各级意见由系统按签字记录填写（签字人、职务、日期）；空白处由经办人手写。",),
    footer=(_("经办人"), _("审核人")),
)


def approval_form_queryset(user: Any, filters: ExportFilters) -> QuerySet[LoanApplication]:
    """The forms of the loan ledger's applications; with ``signed``, only those that bear a signature
    (what an inspection pack holds)."""
    qs = loans_queryset(user, filters)
    if filters.extra.get("signed"):
        qs = qs.filter(Exists(Transition.objects.filter(application=OuterRef("pk"), action__in=SIGNATURES)))
    return qs.select_related("applicant__household").prefetch_related("transitions", "guarantors")


def _block_text(block: SignatureBlock) -> str:
    parts = [block.statement] if block.statement else []
    if block.lines:
        parts.append(
            "；".join(f"{label}：{value}" if value else label for label, value in block.lines) + "。"
        )
    if block.signer:
        parts.append(f"{block.signer_label}：{block.signer}（{block.role}） {block.date_text}")
    return "　".join(parts) if parts else f"{block.signer_label}：　　　　　　{block.date_text}"


def approval_form_row(application: LoanApplication, ctx: ExportContext) -> dict[str, Any]:
    person = application.applicant
    frozen = application.status != Status.DRAFT
    id_number = (application.applicant_id_number if frozen else person.id_number) or ""
    birth = person.birth_date
    values: dict[str, Any] = {
        "name": application.applicant_name or person.name,
        "age": age_on(birth, application.applied_on) if birth else "",
        "id_number": id_number,
        "phone": application.applicant_phone or person.phone,
        "place": f"{application.village.name}{person.household.group if person.household_id else ''}",
        "employment": person.get_employment_display(),
        "address": application.applicant_address,
        "spouse": application.spouse_name,
        "spouse_id_number": application.spouse_id_number,
        "applied_on": application.applied_on,
        "term_months": application.term_months,
        "amount": application.amount,
        "amount_upper": rmb_upper(application.amount),
        "project": application.project,
        "guarantors": "、".join(f"{g.name}（{g.get_kind_display()}）" for g in application.guarantors.all()),
        "status": application.get_status_display(),
    }
    for i, block in enumerate(signature_blocks(application)):
        values[f"block{i}"] = _block_text(block)
    return values


_loan_ledger(
    "loan_forms",
    APPROVAL_FORM,
    approval_form_queryset,
    "ledger",
    row=approval_form_row,
    formats=("pdf",),
    pack_filters=(("signed", "1"),),
)
