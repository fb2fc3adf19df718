"""The loan ledger goes through the export framework: county layout, scope, masked ID numbers."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from loans.states import Status
from tests.helpers.ledgers import data_rows, flat, pdf_text, totals_row, workbook
from tests.helpers.loans import advance, draft


def test_the_township_loan_ledger_lists_its_applications_with_totals(loan_world, tmp_path):
    w = loan_world
    advance(w, draft(w, w.applicant_a, amount=30000), Status.DISBURSED)
    advance(w, draft(w, w.applicant_b, amount=50000), Status.VILLAGE_SIGNED)
    advance(w, draft(w, w.applicant_c, amount=40000), Status.SUBMITTED)  # another township
    from tests.helpers.factories import PersonFactory

    newcomer = PersonFactory(village=w.village_a, name="草稿申请人", employment="unemployed")
    draft(w, newcomer)  # a draft is not in the ledger
    path = tmp_path / "loans.xlsx"
    ledger = get_ledger("loans")
    export_build(ledger=ledger, user=w.staff, fmt="xlsx", filters=ExportFilters(), path=path)
    ws = workbook(path).active
    rows = data_rows(ws, ledger.layout)
    keys = ["number"] + [c.key for c in ledger.layout.leaves]
    assert [r[keys.index("name")] for r in rows] == ["申请人A", "申请人B"]
    assert rows[0][keys.index("id_number")] == w.applicant_a.id_number
    assert isinstance(rows[0][keys.index("id_number")], str)
    totals = totals_row(ws)
    assert totals[0] == "合计：2 笔"
    assert totals[keys.index("amount")] == 80000
    assert totals[keys.index("disbursed_amount")] == 30000


def test_the_county_viewer_gets_masked_numbers_in_the_pdf(loan_world, tmp_path):
    w = loan_world
    advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    path = tmp_path / "loans.pdf"
    export_build(
        ledger=get_ledger("loans"), user=w.county_viewer, fmt="pdf", filters=ExportFilters(), path=path
    )
    text = flat(pdf_text(path))
    number = w.applicant_a.id_number
    assert "妇女小额担保贷款台账" in text and "申请人A" in text
    assert number not in text and number[:3] + "*" * 11 + number[-4:] in text


def test_the_ledger_page_has_export_buttons_and_the_cli_knows_the_ledger(loan_world, login, tmp_path):
    w = loan_world
    advance(w, draft(w, w.applicant_b), Status.SUBMITTED)
    body = login(w.staff).get(reverse("loans:ledger")).content.decode()
    assert 'data-export="xlsx"' in body
    output = tmp_path / "b.xlsx"
    call_command(
        "export_ledger", "loans", "--scope", w.village_b.code, "--format", "xlsx", "--output", str(output)
    )
    rows = data_rows(workbook(output).active, get_ledger("loans").layout)
    assert len(rows) == 1 and "申请人B" in rows[0]


def test_the_interest_subsidy_summary_exports_with_its_totals(loan_world, tmp_path):
    from loans.selectors import interest_subsidy_summary

    w = loan_world
    advance(w, draft(w, w.applicant_a, amount=30000), Status.DISBURSED)
    advance(w, draft(w, w.applicant_b, amount=50000), Status.REPAID)
    path = tmp_path / "subsidy.xlsx"
    ledger = get_ledger("loan_subsidy")
    export_build(ledger=ledger, user=w.staff, fmt="xlsx", filters=ExportFilters(), path=path)
    ws = workbook(path).active
    rows = data_rows(ws, ledger.layout)
    summary = interest_subsidy_summary(user=w.staff, year=timezone.localdate().year)
    keys = ["number"] + [c.key for c in ledger.layout.leaves]
    # Disbursed today, A bears interest to the year's end; B, repaid the same day, bears none.
    assert [r[keys.index("name")] for r in rows] == [r.name for r in summary.rows] == ["申请人A"]
    assert summary.total.subsidy > 0
    totals = totals_row(ws)
    assert totals[keys.index("subsidy")] == float(summary.total.subsidy)
    assert totals[keys.index("amount")] == float(summary.total.amount)


def test_the_approval_forms_print_one_application_a_page_with_its_signatures(loan_world, tmp_path):
    w = loan_world
    advance(w, draft(w, w.applicant_a, amount=30000), Status.TOWNSHIP_SIGNED)
    advance(w, draft(w, w.applicant_c, amount=40000), Status.SUBMITTED)  # another township
    ledger = get_ledger("loan_forms")
    path = tmp_path / "forms.pdf"
    export_build(ledger=ledger, user=w.dir_a, fmt="pdf", filters=ExportFilters(), path=path)
    text = flat(pdf_text(path))
    assert "妇女小额担保贷款财政贴息申请审批表" in text
    assert "申请人A" in text and w.applicant_a.id_number in text
    assert "叁万元整" in text
    assert "同意申请" in text and "同意推荐" in text  # the village's and the township's signatures
    assert "申请人C" not in text
    masked = tmp_path / "masked.pdf"
    one_village = ExportFilters(village_id=w.village_a.pk)  # a county-wide PDF is a ZIP by village
    export_build(ledger=ledger, user=w.county_viewer, fmt="pdf", filters=one_village, path=masked)
    county = flat(pdf_text(masked))
    assert "申请人A" in county and w.applicant_a.id_number not in county
    assert w.applicant_a.id_number[:3] + "*" * 11 + w.applicant_a.id_number[-4:] in county
