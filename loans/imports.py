"""Import the loans granted before the system (系统前发放, ledger ``loans``): the county's loan ledger.

A village's loans granted on paper before the system came in are typed into the loan ledger's own
layout (``loans.exports.LOANS``, whose columns say how they are read back: one declaration) and
imported, so that the once-in-a-life rule (``loans.eligibility``) counts them: one row a loan, its
woman found by her ID number among the residents registered in the chosen village (an unknown
number is refused on its row), the amount, term, bank, dates and whether it was repaid.

Such a loan is written as granted (已放款) or repaid (已还清) with ``before_system`` set: no steps, no
signatures (none are made up), shown everywhere as 系统前发放; the signature check counts it apart.
A woman has one such loan: importing the ledger again updates it (or leaves it unchanged). A row of
a loan handled in the system (a ledger exported from it) is matched by applicant, application date
and amount and left unchanged; the import never changes such a loan. Every bad row is named and
nothing is written until the whole file is clean.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.imports.framework import CREATED, UNCHANGED, ImportRow, RowInvalid, register
from federation.ledgers.model_ledgers import LedgerImporter
from loans.eligibility import once_in_a_life_problems
from loans.exports import LOANS
from loans.models import LoanApplication
from loans.states import GRANTED, Status
from registry.models import Person

__all__ = ["BeforeSystemLoanImporter"]

#: What an imported loan records where the paper ledger says nothing.
NOT_RECORDED = "未记载"
PURPOSE = "系统启用前发放的贷款，由贷款台账导入。"

#: The columns compared when a row is that of a loan handled in the system: (column key, field).
SYSTEM_LOAN_COLUMNS = (
    ("term_months", "term_months"),
    ("project", "project"),
    ("status", "status"),
    ("loan_number", "loan_number"),
    ("bank", "bank"),
    ("disbursed_on", "disbursed_on"),
    ("disbursed_amount", "disbursed_amount"),
    ("repaid_on", "repaid_on"),
)


def _blank_is_none(value: Any) -> Any:
    return None if value in ("", None) else value


@register
class BeforeSystemLoanImporter(LedgerImporter, model=LoanApplication):
    """妇女小额担保贷款台账 (ledger ``loans``): the loans granted before the system, one a row."""

    name = "loans"
    title = gettext("妇女小额担保贷款台账（系统前发放的贷款）")  # a str: see Importer.title
    yearly = False
    noun = _("笔")
    fields = LOANS.columns
    person_column = "id_number"
    village_keys = ("place",)
    field_columns = {"applicant": "id_number", "purpose": "project", "disbursed_term_months": "term_months"}
    notes = (
        _(
            "登记系统启用前已经发放的妇女小额担保贷款，一笔一行；导入后“每人一生只能申请一次”的规则会计入它们。"
        ),
        _("她须已在本村登记（按身份证号查找），一位妇女只有一行；再次导入同一妇女的行会更新她的这笔贷款。"),
        _("导入的贷款记为已放款或已还清，标注“系统前发放”，没有签字记录；系统中办理的贷款不能用导入修改。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        numbers = {row.get("id_number") for row in rows if row.get("id_number")}
        self.people = {
            p.id_number: p for p in Person.objects.filter(village=self.village, id_number__in=numbers)
        }
        self.loans: dict[int, list[LoanApplication]] = {}
        for loan in LoanApplication.objects.filter(
            village=self.village, applicant__in=list(self.people.values())
        ).order_by("pk"):
            self.loans.setdefault(loan.applicant_id, []).append(loan)

    def apply_row(self, row: ImportRow) -> str:
        person = self.people.get(row.get("id_number"))
        if person is None:
            row.fail(
                "id_number",
                gettext("%(village)s没有登记这个身份证号的居民：请先登记她（居民花名册），或选择她所在的村。")
                % {"village": self.village.name},
            )
            raise RowInvalid
        typed_name = (row.get("name") or "").strip()
        if typed_name and typed_name != person.name:
            row.fail(
                "name",
                gettext("这个身份证号登记的是“%(registered)s”，这一行写的是“%(typed)s”。请核对。")
                % {"registered": person.name, "typed": typed_name},
            )
        amount, disbursed_on = row.get("amount"), row.get("disbursed_on")
        applied_on = row.get("applied_on") or disbursed_on
        mine = self.loans.get(person.pk, [])
        system = next(
            (
                loan
                for loan in mine
                if not loan.before_system and loan.applied_on == applied_on and loan.amount == amount
            ),
            None,
        )
        if system is not None:
            return self._system_loan(row, system)
        record = next((loan for loan in mine if loan.before_system), None)
        if record is None:
            record = LoanApplication(
                village=self.village, applicant=person, before_system=True, purpose=PURPOSE
            )
        values = self._values(row, person, applied_on)
        for problem in once_in_a_life_problems(applicant=person, exclude_application=record):
            row.fail("id_number", problem.message)
        if row.errors:
            raise RowInvalid
        outcome = self.store(record, values, row)
        if outcome == CREATED:
            self.loans.setdefault(person.pk, []).append(record)
        return outcome

    def _values(self, row: ImportRow, person: Person, applied_on: Any) -> dict[str, Any]:
        """Return the fields of the row's imported loan; record what the row gets wrong on it."""
        amount, disbursed_on, repaid_on = row.get("amount"), row.get("disbursed_on"), row.get("repaid_on")
        status = row.get("status") or (Status.REPAID if repaid_on else Status.DISBURSED)
        if status not in GRANTED:
            row.fail("status", gettext("系统前发放的贷款只能是“已放款”或“已还清”。"))
        elif status == Status.REPAID and repaid_on is None:
            row.fail("repaid_on", gettext("已还清的贷款须填写还清日期。"))
        elif status == Status.DISBURSED and repaid_on is not None:
            row.fail("status", gettext("填了还清日期，状态应为“已还清”。"))
        if disbursed_on is not None and disbursed_on > timezone.localdate():
            row.fail("disbursed_on", gettext("放款日期不能晚于今天：这里导入的是已经发放的贷款。"))
        if applied_on is not None and disbursed_on is not None and applied_on > disbursed_on:
            row.fail("applied_on", gettext("申请日期不能晚于放款日期。"))
        if repaid_on is not None and disbursed_on is not None and repaid_on < disbursed_on:
            row.fail("repaid_on", gettext("还清日期不能早于放款日期。"))
        return {
            "applicant_name": person.name,
            "applicant_id_number": person.id_number,
            "applied_on": applied_on,
            "amount": amount,
            "term_months": row.get("term_months"),
            "disbursed_term_months": row.get("term_months"),
            "project": (row.get("project") or "").strip() or NOT_RECORDED,
            "status": status,
            "loan_number": (row.get("loan_number") or "").strip(),
            "bank": (row.get("bank") or "").strip(),
            "disbursed_on": disbursed_on,
            "disbursed_amount": row.get("disbursed_amount") or amount,
            "repaid_on": repaid_on,
        }

    def _system_loan(self, row: ImportRow, loan: LoanApplication) -> str:
        """Return UNCHANGED for the row of a loan handled in the system that the row leaves as it is;
        refuse the row naming the columns that would change it."""
        differ = [
            key
            for key, attribute in SYSTEM_LOAN_COLUMNS
            if row.has(key) and _blank_is_none(row.get(key)) != _blank_is_none(getattr(loan, attribute))
        ]
        for key in differ:
            row.fail(
                key,
                gettext(
                    "这是在系统中办理的贷款（申请 #%(pk)s），导入不能修改它：请改回系统中的内容或删去这一行。"
                )
                % {"pk": loan.pk},
            )
        if row.errors:
            raise RowInvalid
        return UNCHANGED
