"""Reads of the microloans: lists, the queue, the ledger, the interest-subsidy summary, the signature check.

Every read that serves a user goes through the scoping rule (``for_user``); ID numbers leave here as
the user's role may see them (``federation.core.policy``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from federation.core.idnumber import age_on, parse_id_number
from federation.core.policy import birth_date_for, id_number_for, phone_for
from loans.models import Guarantor, LoanApplication, Transition, loan_settings
from loans.signing import REQUIRED_SIGNATURES, Mismatch
from loans.states import AWAITED, SIGNATURES, Action, Move, Status


def application_list(*, user, status: str = "", year: int | None = None, search: str = "") -> QuerySet:
    """Return the applications ``user`` sees, newest first, filtered by status, year and name."""
    qs = LoanApplication.objects.for_user(user).select_related("village", "applicant__household__group")
    if status in Status.values:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(applied_on__year=year)
    search = search.strip()
    if search:
        qs = qs.filter(Q(applicant__name__contains=search) | Q(applicant_name__contains=search))
    return qs.order_by("-applied_on", "-pk")


def applications_by_state(*, user, township=None) -> dict[str, int]:
    """Return {state label: number of applications} of ``user``'s scope (of ``township`` alone when
    given), in the path's order."""
    from django.db.models import Count

    applications = LoanApplication.objects.for_user(user)
    if township is not None:
        applications = applications.filter(village__township=township)
    counts = dict(applications.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {label: counts[value] for value, label in Status.choices if counts.get(value)}


@dataclass(frozen=True)
class ApplicantDetails:
    """The applicant and her spouse as an application shows them; ID numbers as ``user`` may see them.

    Frozen into the application when submitted; a draft shows the registers as they are now.
    """

    frozen: bool
    name: str
    id_number: str
    birth_date: dt.date | None
    age: int | None
    phone: str
    address: str
    employment: str
    spouse_name: str
    spouse_id_number: str
    spouse_work: str


def applicant_details(*, application: LoanApplication, user) -> ApplicantDetails:
    """Return the applicant's and spouse's details of ``application`` for ``user`` (see ApplicantDetails)."""
    from registry.rules import spouse_of

    person = application.applicant
    if application.status != Status.DRAFT:
        id_number = application.applicant_id_number
        name, phone, address = (
            application.applicant_name,
            application.applicant_phone,
            application.applicant_address,
        )
        spouse_name, spouse_number = application.spouse_name, application.spouse_id_number
        spouse_work = application.spouse_work
    else:
        spouse = spouse_of(person)
        id_number = person.id_number or ""
        name, phone = person.name, person.phone
        address = person.household.address if person.household_id else ""
        spouse_name = spouse.name if spouse else ""
        spouse_number = (spouse.id_number or "") if spouse else ""
        spouse_work = spouse.get_employment_display() if spouse else ""
    try:
        birth_date = parse_id_number(id_number).birth_date
    except ValidationError:  # a missing number leaves birth date and age blank
        birth_date = None
    return ApplicantDetails(
        frozen=application.status != Status.DRAFT,
        name=name,
        id_number=id_number_for(user, id_number),
        birth_date=birth_date_for(user, birth_date),
        age=age_on(birth_date, application.applied_on) if birth_date else None,
        phone=phone_for(user, phone),
        address=address,
        employment=person.get_employment_display(),
        spouse_name=spouse_name,
        spouse_id_number=id_number_for(user, spouse_number),
        spouse_work=spouse_work,
    )


def waiting_moves(user) -> dict[str, Move]:
    """Return, by status, the awaited steps that ``user``'s role may take (the statuses of her queue)."""
    return {status: move for status, move in AWAITED.items() if user.has_perm(move.permission)}


def application_queue(*, user) -> list[tuple[LoanApplication, Move]]:
    """Return the applications waiting for a step ``user`` may take, the longest waiting first.

    An application waits since its last step (or since it was drafted).
    """
    moves = waiting_moves(user)
    if not moves:
        return []
    qs = (
        LoanApplication.objects.for_user(user)
        .filter(status__in=list(moves))
        .select_related("village")
        .annotate(waiting_since=Coalesce(Max("transitions__at"), "created_at"))
        .order_by("waiting_since", "pk")
    )
    return [(application, moves[application.status]) for application in qs]


def timeline(application: LoanApplication) -> list[Transition]:
    """Return the steps taken on ``application``, oldest first: who did what, when, and why."""
    return list(application.transitions.order_by("at", "pk"))


def signatures_of(application: LoanApplication) -> dict[str, Transition]:
    """Return the signatures given so far on ``application``, by action."""
    return {t.action: t for t in application.transitions.all() if t.action in SIGNATURES}


def signed_applications(qs: QuerySet) -> QuerySet:
    """Return the applications of ``qs`` the signature check covers (signed, or in a signed status).

    A loan granted before the system (imported) is in a signed status without signatures: it is
    covered only if it carries a signature after all (which the check then reports).
    """
    return (
        qs.filter(
            Q(status__in=list(REQUIRED_SIGNATURES), before_system=False)
            | Q(transitions__action__in=sorted(SIGNATURES))
        )
        .distinct()
        .select_related("village")
        .prefetch_related("transitions", "guarantors")
        .order_by("pk")
    )


def signature_mismatches(*, user) -> list[Mismatch]:
    """Return the applications ``user`` sees whose contents or sealed records differ from their signatures."""
    from loans.verification import signature_report

    return signature_report(user=user).mismatches


def all_signature_mismatches() -> list[Mismatch]:
    """Return every application of the installation whose contents or records differ from their signatures.

    For ``manage.py verify_signatures``, run on the server; pages use :func:`signature_mismatches`.
    """
    from loans.verification import signature_report

    return signature_report().mismatches


def signed_application_count(*, user) -> int:
    """Return how many signed applications ``user`` sees (those the signature check covers)."""
    return signed_applications(LoanApplication.all_objects.for_user(user)).count()


def signed_application_count_all() -> int:
    """Return how many signed applications the installation holds (for ``verify_signatures``)."""
    return signed_applications(LoanApplication.all_objects.all()).count()


# --- the loan ledger (贷款台账) ---------------------------------------------------------------------------

#: Columns of the loan ledger: (attribute of :class:`LedgerRow`, Chinese header). The export
#: framework can register the ledger with these columns and :func:`loan_ledger_rows` as its selector.
LEDGER_COLUMNS: list[tuple[str, str]] = [
    ("number", "序号"),
    ("village", "村"),
    ("group", "村组"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("age", "年龄"),
    ("applied_on", "申请日期"),
    ("amount", "申请金额（元）"),
    ("term_months", "期限（月）"),
    ("project", "创业项目"),
    ("guarantors", "担保人"),
    ("status", "状态"),
    ("village_signed_on", "村级签字"),
    ("township_signed_on", "乡妇联签字"),
    ("cooperative_decided_on", "信用社同意"),
    ("loan_number", "贷款编号"),
    ("bank", "放款银行"),
    ("stamped_on", "妇联盖章"),
    ("disbursed_on", "放款日期"),
    ("disbursed_amount", "放款金额（元）"),
    ("interest_rate", "年利率（%）"),
    ("repaid_on", "还清日期"),
]


@dataclass(frozen=True)
class LedgerRow:
    """One application in the loan ledger; ID numbers as the reading user may see them."""

    number: int
    pk: int
    village: str
    group: str
    name: str
    id_number: str
    age: int | None
    applied_on: dt.date
    amount: Decimal
    term_months: int
    project: str
    guarantors: str
    status: str
    village_signed_on: dt.date | None
    township_signed_on: dt.date | None
    cooperative_decided_on: dt.date | None
    loan_number: str
    bank: str
    stamped_on: dt.date | None
    disbursed_on: dt.date | None
    disbursed_amount: Decimal | None
    interest_rate: Decimal | None
    repaid_on: dt.date | None


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    from django.utils import timezone

    return timezone.localtime(moment).date() if moment else None


def _age(number: str, on: dt.date) -> int | None:
    try:
        return age_on(parse_id_number(number).birth_date, on)
    except ValidationError:  # a bad or missing number leaves the age blank
        return None


def loan_ledger_queryset(*, user, year: int) -> QuerySet:
    """Return the applications of the loan ledger of ``year`` that ``user`` sees, village by village.

    Every application filed that year (drafts are not in the ledger; refused and withdrawn ones are,
    with their status), ordered by village code, application date and id.
    """
    return (
        LoanApplication.objects.for_user(user)
        .filter(applied_on__year=year)
        .exclude(status=Status.DRAFT)
        .select_related("village", "applicant__household__group")
        .prefetch_related(
            # what a row shows of them (``loan_ledger_row``): not a signature's registered contents
            Prefetch("guarantors", queryset=Guarantor.objects.only("application_id", "name", "kind")),
            Prefetch(
                "transitions",
                queryset=Transition.objects.filter(action__in=sorted(SIGNATURES)).only(
                    "application_id", "action", "at"
                ),
            ),
        )
        .order_by("village__code", "applied_on", "pk")
    )


def loan_ledger_row(application: LoanApplication, *, number: int, user) -> LedgerRow:
    """Return one application as a row of the loan ledger; the ID number as ``user`` may see it."""
    signed = signatures_of(application)
    person = application.applicant
    id_number = application.applicant_id_number or person.id_number or ""
    return LedgerRow(
        number=number,
        pk=application.pk,
        village=application.village.name,
        group=str(person.household.group) if person.household_id else "",
        name=application.applicant_name or person.name,
        id_number=id_number_for(user, id_number),
        age=_age(id_number, application.applied_on),
        applied_on=application.applied_on,
        amount=application.amount,
        term_months=application.term_months,
        project=application.project,
        guarantors="；".join(f"{g.name}（{g.get_kind_display()}）" for g in application.guarantors.all()),
        status=application.status_label,
        village_signed_on=_local_date(getattr(signed.get(Action.SIGN_VILLAGE), "at", None)),
        township_signed_on=_local_date(getattr(signed.get(Action.SIGN_TOWNSHIP), "at", None)),
        cooperative_decided_on=application.cooperative_decided_on,
        loan_number=application.loan_number,
        bank=application.bank,
        stamped_on=_local_date(getattr(signed.get(Action.STAMP), "at", None)),
        disbursed_on=application.disbursed_on,
        disbursed_amount=application.disbursed_amount,
        interest_rate=application.interest_rate,
        repaid_on=application.repaid_on,
    )


def loan_ledger_rows(*, user, year: int) -> list[LedgerRow]:
    """Return the loan ledger (贷款台账) of ``year`` for ``user``, numbered from 1.

    The export framework can register the same pieces: :func:`loan_ledger_queryset` as the ledger's
    queryset and :func:`loan_ledger_row` for each row, with :data:`LEDGER_COLUMNS` as its columns.
    """
    return [
        loan_ledger_row(application, number=number, user=user)
        for number, application in enumerate(loan_ledger_queryset(user=user, year=year), start=1)
    ]


#: Rows of the loan ledger's page: a county's year is thousands of loans.
LEDGER_PAGE_SIZE = 50


def loan_ledger_page(
    *, user, year: int, page: str | int | None, narrow: Callable[[QuerySet], QuerySet] | None = None
) -> tuple[Page, list[LedgerRow]]:
    """Return one page of the loan ledger of ``year`` (``page``: its number, the last for "last", the
    first when not a page) and its rows, numbered on from the pages before it; ``narrow`` keeps the
    rows of the place the list is filtered to (``federation.web.generic.Places.narrow``)."""
    qs = loan_ledger_queryset(user=user, year=year)
    page_obj = Paginator(narrow(qs) if narrow else qs, LEDGER_PAGE_SIZE).get_page(page)
    rows = [
        loan_ledger_row(application, number=number, user=user)
        for number, application in enumerate(page_obj, start=page_obj.start_index())
    ]
    return page_obj, rows


# --- the yearly interest-subsidy summary (财政贴息汇总) ----------------------------------------------------

CENT = Decimal("0.01")
#: Interest is counted by the day at the annual rate divided by 360 (人民银行计息规则：日利率 = 年利率 ÷ 360).
DAYS_IN_INTEREST_YEAR = 360


@dataclass(frozen=True)
class SubsidyRow:
    """A disbursed loan's interest and subsidy for the year."""

    pk: int
    village: str
    name: str
    loan_number: str
    disbursed_on: dt.date
    amount: Decimal
    interest_rate: Decimal
    start: dt.date
    end: dt.date
    days: int
    interest: Decimal
    subsidy: Decimal

    @property
    def last_day(self) -> dt.date:
        """Return the last day that bears interest (the day of repayment does not: 算头不算尾)."""
        return self.end - dt.timedelta(days=1)


@dataclass
class VillageSubsidy:
    village: str
    loans: int = 0
    amount: Decimal = Decimal("0")
    interest: Decimal = Decimal("0")
    subsidy: Decimal = Decimal("0")


@dataclass
class SubsidySummary:
    """The interest subsidy of a year: one row per loan, totals per village and in all."""

    year: int
    subsidy_percent: Decimal
    rows: list[SubsidyRow] = field(default_factory=list)
    villages: list[VillageSubsidy] = field(default_factory=list)
    total: VillageSubsidy = field(default_factory=lambda: VillageSubsidy(village="合计"))


def interest_days(
    *, disbursed_on: dt.date, due_on: dt.date, repaid_on: dt.date | None, year: int
) -> tuple[dt.date, dt.date, int]:
    """Return (first day, day after the last, number of days) the loan bears interest within ``year``.

    From the disbursement to the repayment, or to the due date when not repaid, cut to the year.
    """
    start = max(disbursed_on, dt.date(year, 1, 1))
    end = min(repaid_on or due_on, due_on, dt.date(year + 1, 1, 1))
    return start, end, max((end - start).days, 0)


def subsidy_queryset(*, user, year: int) -> QuerySet:
    """Return the disbursed loans ``user`` sees that may bear interest in ``year``, village by village.

    A loan granted before the system (imported) is not in it: the ledger it came from records no
    interest rate, and its subsidy was settled on paper.
    """
    return (
        LoanApplication.objects.for_user(user)
        .filter(before_system=False)
        .filter(status__in=[Status.DISBURSED, Status.REPAID], disbursed_on__lte=dt.date(year, 12, 31))
        .filter(Q(repaid_on__isnull=True) | Q(repaid_on__gte=dt.date(year, 1, 1)))
        .select_related("village")
        .order_by("village__code", "disbursed_on", "pk")
    )


def subsidy_row(application: LoanApplication, *, year: int, percent: Decimal) -> SubsidyRow | None:
    """Return a loan's interest and subsidy in ``year``, or None when it bore no interest that year.

    Interest = disbursed amount × annual rate × days ÷ 360; the subsidy is ``percent`` of it.
    """
    start, end, days = interest_days(
        disbursed_on=application.disbursed_on,
        due_on=application.due_on,
        repaid_on=application.repaid_on,
        year=year,
    )
    if days == 0:
        return None
    amount = application.disbursed_amount
    interest = (amount * application.interest_rate / 100 * days / DAYS_IN_INTEREST_YEAR).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    return SubsidyRow(
        pk=application.pk,
        village=application.village.name,
        name=application.applicant_name,
        loan_number=application.loan_number,
        disbursed_on=application.disbursed_on,
        amount=amount,
        interest_rate=application.interest_rate,
        start=start,
        end=end,
        days=days,
        interest=interest,
        subsidy=(interest * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP),
    )


def interest_subsidy_summary(*, user, year: int) -> SubsidySummary:
    """Return the yearly interest-subsidy summary of the loans ``user`` sees that bore interest in ``year``.

    Interest = disbursed amount × annual rate × days ÷ 360; the subsidy is the year's share of it
    (``LoanSettings.subsidy_percent``, 100 % by default: 财政贴息).
    """
    percent = loan_settings(year).subsidy_percent
    summary = SubsidySummary(year=year, subsidy_percent=percent)
    by_village: dict[str, VillageSubsidy] = {}
    for application in subsidy_queryset(user=user, year=year):
        row = subsidy_row(application, year=year, percent=percent)
        if row is None:
            continue
        summary.rows.append(row)
        village, amount, interest, subsidy = row.village, row.amount, row.interest, row.subsidy
        for bucket in (by_village.setdefault(village, VillageSubsidy(village=village)), summary.total):
            bucket.loans += 1
            bucket.amount += amount
            bucket.interest += interest
            bucket.subsidy += subsidy
    summary.villages = list(by_village.values())
    return summary
