"""Loans granted before the system (系统前发放): imported from the county's loan ledger, counted by the
once-in-a-life rule, marked everywhere, and shown to another village as a year and a village only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from loans.models import LoanApplication
from loans.services import EligibilityError
from loans.states import Status
from registry.services import person_move
from tests.helpers.factories import PersonFactory
from tests.helpers.imports import new_id, workbook_file
from tests.helpers.ledgers import data_rows, workbook
from tests.helpers.loans import advance, draft, run_verify

HEADER = (
    "村组",
    "姓名",
    "身份证号",
    "申请金额（元）",
    "期限（月）",
    "放款银行",
    "贷款编号",
    "放款日期",
    "还清日期",
)
#: What only the village that holds the earlier loan may see of it.
SECRETS = ("37000", "37,000", "示范县邮储银行", "JK2012-0099", "2012-05-10")


def loan_row(person, *, repaid_on=dt.date(2014, 5, 1), amount=37000):
    return ("红旗村一组", person.name, person.id_number, amount, 24, "示范县邮储银行", "JK2012-0099",
            dt.date(2012, 5, 10), repaid_on)  # fmt: skip


def import_loans(tmp_path, village, user, rows):
    path = workbook_file(tmp_path, HEADER, rows, title="妇女小额担保贷款台账")
    return get_importer("loans")(village, user=user).import_file(path)


def test_an_imported_loan_is_marked_unsigned_and_blocks_a_new_application(loan_world, login, tmp_path):
    w = loan_world
    result = import_loans(tmp_path, w.village_a, w.dir_a, [loan_row(w.applicant_a)])

    assert result.ok, result.errors
    loan = LoanApplication.objects.get(applicant=w.applicant_a)
    assert (loan.before_system, loan.status, loan.bank) == (True, Status.REPAID, "示范县邮储银行")
    assert loan.status_label == "已还清（系统前发放）" and not loan.transitions.exists()
    page = login(w.dir_a).get(loan.get_absolute_url()).content.decode()
    assert "已还清（系统前发放）" in page and "示范县邮储银行" in page and "申请审批表（PDF）" not in page
    with pytest.raises(EligibilityError) as refused:
        draft(w, w.applicant_a)
    assert [p.message for p in refused.value.problems if p.rule == "once_in_a_life"] == [
        "她已于 2012 年在红旗村获得过妇女小额担保贷款，每人一生只能申请一次（按身份证号核对）。"
    ]
    status, output = run_verify()
    assert status == 0 and "另有 1 笔系统前发放的贷款" in output
    # Imported by mistake: the administrator deletes it (softly) in 管理, and she may apply.
    login(w.admin).post(reverse("admin:loans_loanapplication_delete", args=[loan.pk]), {"post": "yes"})
    assert LoanApplication.all_objects.get(pk=loan.pk).is_deleted
    assert draft(w, w.applicant_a).status == Status.DRAFT


def test_an_earlier_loan_of_another_village_shows_only_its_year_and_village(loan_world, login, tmp_path):
    """She applied in 胜利村, lived in 红旗村 when its ledger came in, and is back: 胜利村 learns no more."""
    w = loan_world
    woman, home = w.applicant_b, w.applicant_b.household
    application = draft(w, woman)
    person_move(user=w.staff, person=woman, to_household=w.household_a, relation="other")
    assert import_loans(tmp_path, w.village_a, w.dir_a, [loan_row(woman)]).ok
    person_move(user=w.staff, person=woman, to_household=home, relation="spouse")
    client = login(w.dir_b)

    answer = client.post(f"/api/v1/loans/{application.pk}/steps/submit/", {}, content_type="application/json")
    page = client.post(reverse("loans:application_action", args=[application.pk, "submit"]), {})

    said = "她已于 2012 年在红旗村获得过妇女小额担保贷款"
    assert answer.status_code == 400 and said in answer.content.decode()
    assert page.status_code == 200 and said in page.content.decode()
    for text in (answer.content.decode(), page.content.decode()):
        assert not [secret for secret in SECRETS if secret in text]
    assert LoanApplication.objects.get(pk=application.pk).status == Status.DRAFT


def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(loan_world, tmp_path):
    w = loan_world
    rows = [
        loan_row(w.applicant_a),
        loan_row(w.applicant_b),  # registered in 胜利村, not here
        ("红旗村一组", "无此人", new_id(1980), 30000, 24, "", "", dt.date(2012, 5, 10), None),
        loan_row(w.woman_a, repaid_on=dt.date(2011, 1, 1)),  # repaid before it was paid out
    ]
    result = import_loans(tmp_path, w.village_a, w.dir_a, rows)

    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(4, "身份证号"), (5, "身份证号"), (6, "还清日期")}
    assert "红旗村没有登记这个身份证号的居民" in str(result.errors[0])
    assert not LoanApplication.objects.exists()


def test_the_ledger_exports_imported_loans_marked_and_takes_them_back_unchanged(loan_world, tmp_path):
    """The 2012 ledger holds a loan handled in the system and one imported: both come back unchanged."""
    w = loan_world
    advance(w, draft(w, w.applicant_a, applied_on=dt.date(2012, 3, 1)), Status.DISBURSED)
    other = PersonFactory(village=w.village_a, name="王秀英", employment="unemployed")
    assert import_loans(tmp_path, w.village_a, w.dir_a, [loan_row(other, repaid_on=None)]).ok
    before = set(
        LoanApplication.objects.values_list("pk", "version", "status", "amount", "bank", "repaid_on")
    )
    path = tmp_path / "loans-2012.xlsx"
    ledger = get_ledger("loans")
    export_build(ledger=ledger, user=w.dir_a, fmt="xlsx", filters=ExportFilters(year=2012), path=path)
    keys = ["number"] + [c.key for c in ledger.layout.leaves]
    rows = data_rows(workbook(path).active, ledger.layout)
    assert [(r[keys.index("status")], r[keys.index("bank")]) for r in rows] == [
        ("已放款", None),
        ("已放款（系统前发放）", "示范县邮储银行"),
    ]

    result = get_importer("loans")(w.village_a, user=w.dir_a).import_file(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    after = set(LoanApplication.objects.values_list("pk", "version", "status", "amount", "bank", "repaid_on"))
    assert after == before


def test_a_director_cannot_import_loans_into_another_village(loan_world, tmp_path):
    w = loan_world
    with pytest.raises(PermissionDenied):
        import_loans(tmp_path, w.village_b, w.dir_a, [loan_row(w.applicant_b)])
    assert not LoanApplication.objects.exists()
