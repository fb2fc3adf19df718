"""The pages of the microloans: scoped (404 outside), thin over the services; the PDF, papers, ledgers."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from federation.core.idnumber import age_on
from loans import selectors as loans_selectors
from loans.documents import chinese_date
from loans.models import Attachment, LoanApplication
from loans.selectors import interest_subsidy_summary, loan_ledger_rows
from loans.services import application_transition
from loans.states import Action, Status
from tests.helpers.loans import APPLICANT_BORN, advance, draft, guarantor, set_clock

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def urls(application) -> dict[str, str]:
    pk = application.pk
    return {
        "detail": reverse("loans:application_detail", args=[pk]),
        "edit": reverse("loans:application_update", args=[pk]),
        "step": reverse("loans:application_action", args=[pk, Action.SUBMIT]),
        "pdf": reverse("loans:application_pdf", args=[pk]),
        "upload": reverse("loans:attachment_add", args=[pk]),
    }


def new_form_data(applicant, *, amount="50000", guarantors=2) -> dict:
    data = {
        "applicant": applicant.pk,
        "applied_on": timezone.localdate().isoformat(),
        "amount": amount,
        "term_months": 24,
        "own_funds": "10000",
        "project": "蔬菜大棚种植",
        "purpose": "搭建大棚两个",
        "guarantors-TOTAL_FORMS": 2,
        "guarantors-INITIAL_FORMS": 0,
        "guarantors-MIN_NUM_FORMS": 0,
        "guarantors-MAX_NUM_FORMS": 4,
    }
    for i in range(guarantors):
        g = guarantor()
        data.update(
            {
                f"guarantors-{i}-name": g.name,
                f"guarantors-{i}-id_number": g.id_number,
                f"guarantors-{i}-phone": g.phone,
                f"guarantors-{i}-kind": g.kind,
                f"guarantors-{i}-work_unit": g.work_unit,
            }
        )
    return data


# --- scope ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["dir_b", "other_staff", "dir_c", "nobody"])
def test_an_application_outside_the_scope_answers_404_on_every_page(loan_world, login, user_key):
    w = loan_world
    application = draft(w, w.applicant_a)
    client = login(getattr(w, user_key))
    for name, url in urls(application).items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert "申请人A" not in response.content.decode()
    for name in ("edit", "step", "upload"):
        assert client.post(urls(application)[name], {"reason": "x"}).status_code == 404, name
    assert LoanApplication.objects.get(pk=application.pk).status == Status.DRAFT


def test_lists_show_only_the_scope(loan_world, login):
    w = loan_world
    for key in ("a", "b", "c"):
        draft(w, getattr(w, f"applicant_{key}"))
    body = login(w.dir_a).get(reverse("loans:application_list")).content.decode()
    assert "申请人A" in body and "申请人B" not in body and "申请人C" not in body
    body = login(w.staff).get(reverse("loans:application_list")).content.decode()
    assert "申请人A" in body and "申请人B" in body and "申请人C" not in body
    assert "申请人C" in login(w.other_staff).get(reverse("loans:application_list")).content.decode()


def test_the_county_reads_with_masked_id_numbers_and_no_papers(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    client = login(w.county_viewer)
    body = client.get(urls(application)["detail"]).content.decode()
    number = w.applicant_a.id_number
    assert number not in body and number[:3] + "*" * 11 + number[-4:] in body
    assert "上传附件" not in body and "可以办理" not in body
    ledger = client.get(reverse("loans:ledger")).content.decode()
    assert "申请人A" in ledger and number not in ledger


def test_anonymous_users_are_sent_to_log_in(loan_world, client):
    application = draft(loan_world, loan_world.applicant_a)
    response = client.get(urls(application)["pdf"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_menu_entry_shows_only_to_roles_that_read_loans(loan_world, login):
    assert "小额贷款" in login(loan_world.dir_a).get(reverse("home")).content.decode()
    assert "签字核验" not in login(loan_world.dir_a).get(reverse("home")).content.decode()
    assert "签字核验" in login(loan_world.chair).get(reverse("home")).content.decode()
    assert "小额贷款" not in login(loan_world.nobody).get(reverse("home")).content.decode()


# --- the form -------------------------------------------------------------------------------------------


def test_a_director_drafts_an_application_with_two_guarantors(loan_world, login):
    w = loan_world
    client = login(w.dir_a)
    # the applicant is chosen by an autocomplete (tests/web/test_autocomplete.py): the form accepts
    # the village's women only, and the page holds none of them until one is chosen
    form = client.get(reverse("loans:application_create")).context["form"]
    offered = form.fields["applicant"].queryset
    assert offered.filter(pk=w.applicant_a.pk).exists()
    assert not offered.filter(pk=w.applicant_b.pk).exists()  # another village
    assert not offered.filter(pk=w.husband_a.pk).exists()  # applicants are women
    response = client.post(reverse("loans:application_create"), new_form_data(w.applicant_a))
    application = LoanApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == Status.DRAFT and application.village == w.village_a
    assert application.guarantors.count() == 2
    assert application.history.first().history_user == w.dir_a


@pytest.mark.parametrize(
    ("amount", "guarantors", "message"),
    [
        ("30001", 1, "超过 30,000 元须有两名担保人"),
        ("19999", 1, "金额条件"),
        ("80001", 2, "金额条件"),
    ],
)
def test_the_form_names_the_rule_that_fails_and_saves_nothing(loan_world, login, amount, guarantors, message):
    w = loan_world
    response = login(w.dir_a).post(
        reverse("loans:application_create"),
        new_form_data(w.applicant_a, amount=amount, guarantors=guarantors),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LoanApplication.all_objects.exists()


def test_the_form_accepts_30000_with_one_guarantor(loan_world, login):
    w = loan_world
    response = login(w.dir_a).post(
        reverse("loans:application_create"), new_form_data(w.applicant_a, amount="30000", guarantors=1)
    )
    assert response.status_code == 302
    assert LoanApplication.objects.get().guarantors.count() == 1


def test_a_woman_of_another_village_cannot_be_posted_as_applicant(loan_world, login):
    w = loan_world
    response = login(w.dir_a).post(reverse("loans:application_create"), new_form_data(w.applicant_b))
    assert response.status_code == 200 and "不在可选的范围内" in response.content.decode()
    assert not LoanApplication.all_objects.exists()


def test_the_township_chair_does_not_draft(loan_world, login):
    """She signs; the staff prepare drafts for a village (tests/loans/test_staff_draft.py)."""
    assert login(loan_world.chair).get(reverse("loans:application_create")).status_code == 404


# --- steps are POSTs with a confirmation -----------------------------------------------------------------


def test_a_signature_asks_for_confirmation_and_the_pledge(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    client = login(w.dir_a)
    url = reverse("loans:application_action", args=[application.pk, Action.SIGN_VILLAGE])
    page = client.get(url).content.decode()
    assert "签字意味着责任" in page and "确认村级妇联签字" in page
    assert application.transitions.count() == 1  # the GET did nothing
    response = client.post(url, {})
    assert response.status_code == 200 and "请勾选这一项" in response.content.decode()
    response = client.post(url, {"pledge": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.VILLAGE_SIGNED
    detail = client.get(application.get_absolute_url()).content.decode()
    assert "已办理“村级妇联签字”" in detail and "张红（村妇联主席）" in detail


def test_a_village_director_cannot_sign_for_the_township_through_the_page(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    client = login(w.dir_a)
    url = reverse("loans:application_action", args=[application.pk, Action.SIGN_TOWNSHIP])
    response = client.get(url, follow=True)
    assert "不能由您办理“乡妇联签字”" in response.content.decode()
    assert client.post(url, {"pledge": "on"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.VILLAGE_SIGNED


def test_a_step_already_taken_by_someone_else_is_refused_clearly(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    response = login(w.dir_a).post(
        reverse("loans:application_action", args=[application.pk, Action.SIGN_VILLAGE]),
        {"pledge": "on"},
        follow=True,
    )
    assert "“村级妇联签字”已由张红于" in response.content.decode()
    assert application.transitions.filter(action=Action.SIGN_VILLAGE).count() == 1


def test_the_cooperative_agreement_is_recorded_by_staff_with_date_and_number(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    url = reverse("loans:application_action", args=[application.pk, Action.COOPERATIVE_AGREE])
    client = login(w.staff)
    response = client.post(url, {"decided_on": timezone.localdate().isoformat(), "pledge": "on"})
    assert response.status_code == 200 and "loan_number" in response.content.decode()
    client.post(
        url, {"decided_on": timezone.localdate().isoformat(), "loan_number": "XY-2026-001", "pledge": "on"}
    )
    application.refresh_from_db()
    assert application.status == Status.COOPERATIVE_AGREED and application.loan_number == "XY-2026-001"


def test_the_detail_page_shows_the_timeline_of_who_did_what_when(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    application_transition(
        application=application, user=w.dir_a, action=Action.REFUSE_VILLAGE, reason="已在县城打工"
    )
    body = login(w.staff).get(urls(application)["detail"]).content.decode()
    for text in ("提交申请", "村级不予通过", "理由：已在县城打工", "张红（村妇联主席）", "未通过"):
        assert text in body
    assert body.index("提交申请") < body.index("村级不予通过")


def test_the_queue_page_lists_what_waits_for_the_chair(loan_world, login):
    w = loan_world
    first = advance(w, draft(w, w.applicant_b), Status.VILLAGE_SIGNED)
    second = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    body = login(w.chair).get(reverse("loans:application_queue")).content.decode()
    assert body.index("申请人B") < body.index("申请人A")
    assert reverse("loans:application_action", args=[first.pk, Action.SIGN_TOWNSHIP]) in body
    assert reverse("loans:application_action", args=[second.pk, Action.SIGN_TOWNSHIP]) in body
    assert (
        "申请人"
        not in login(w.staff).get(reverse("loans:application_queue")).content.decode().split("<tbody>")[1]
    )


# --- the PDF --------------------------------------------------------------------------------------------


def pdf_text_and_fonts(content: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def test_the_application_form_pdf_shows_the_signatures_given_so_far(loan_world, login, tmp_path):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    response = login(w.dir_a).get(urls(application)["pdf"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, fonts = pdf_text_and_fonts(response.content, tmp_path)
    today = chinese_date(timezone.localdate())
    assert "妇女小额担保贷款财政贴息申请审批表" in text
    assert "申请人A" in text and "丈夫A" in text and "生猪养殖" in text and "伍万元整" in text
    assert "张红" in text and "赵敏" in text and text.count(today) >= 3  # application date and two signatures
    signature = application.transitions.get(action=Action.SIGN_VILLAGE)
    assert f"电子签字核验码：{signature.check_code}" in text.replace("\n", "")
    blocks = ["村级妇联意见", "乡（镇）妇联意见", "担保人意见", "信用社意见", "妇联盖章", "财政贴息"]
    start = text.index("担保人数")  # after the title and the applicant's table
    assert [text.index(b, start) for b in blocks] == sorted(text.index(b, start) for b in blocks)
    assert "王芳" not in text  # the cooperative's block is still empty
    font_lines = [line for line in fonts.splitlines() if "NotoSansCJK" in line.replace("-", "")]
    assert font_lines and all(" yes yes yes " in line for line in font_lines)  # embedded, subset, unicode
    assert len(fonts.splitlines()) - 2 == len(font_lines)  # no other font


def test_the_pdf_of_a_draft_says_so_and_masks_ids_for_the_county(loan_world, login, tmp_path):
    w = loan_world
    application = draft(w, w.applicant_a)
    text, _fonts = pdf_text_and_fonts(login(w.county_viewer).get(urls(application)["pdf"]).content, tmp_path)
    assert "草稿，未提交" in text
    number = w.applicant_a.id_number
    assert number not in text and number[:3] + "*" * 11 + number[-4:] in text


def test_the_county_reads_a_loan_without_birth_date_and_with_phones_masked(loan_world, login, tmp_path):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    phones = ["13800000000", *(g.phone for g in application.guarantors.all())]
    born = [
        f"{APPLICANT_BORN.year}年{APPLICANT_BORN.month}月{APPLICANT_BORN.day}日",
        f"{APPLICANT_BORN:%Y-%m-%d}",
    ]
    county = login(w.county_viewer)
    text, _fonts = pdf_text_and_fonts(county.get(urls(application)["pdf"]).content, tmp_path)
    detail = county.get(urls(application)["detail"]).content.decode()
    for body in (text, detail):
        assert not any(day in body for day in born)
    assert all(phone not in text and f"{phone[:3]}****{phone[-4:]}" in text for phone in phones)
    assert all(phone not in detail for phone in phones[1:]) and "****" in detail
    age = age_on(APPLICANT_BORN, application.applied_on)  # her age, shown in place of the date
    assert "年龄" in text and f"{age}周岁" in "".join(text.split())
    staff_text, _fonts = pdf_text_and_fonts(login(w.staff).get(urls(application)["pdf"]).content, tmp_path)
    assert born[0] in "".join(staff_text.split()) and all(phone in staff_text for phone in phones)


# --- scanned papers -------------------------------------------------------------------------------------


def upload(client, application, name, content, kind="application_form"):
    return client.post(
        reverse("loans:attachment_add", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(("name", "content"), [("scan.pdf", PDF), ("id.PNG", PNG), ("id.jpeg", JPEG)])
def test_a_scan_is_stored_under_media_root_and_served_only_in_scope(
    loan_world, login, settings, name, content
):
    w = loan_world
    application = draft(w, w.applicant_a)
    client = login(w.dir_a)
    assert upload(client, application, name, content).status_code == 302
    attachment = Attachment.objects.get()
    stored = settings.MEDIA_ROOT / attachment.file.name
    assert stored.read_bytes() == content and name.split(".")[0] not in attachment.file.name
    url = reverse("loans:attachment_download", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert login(w.staff).get(url).status_code == 200
    for user in (w.dir_b, w.other_staff, w.county_viewer):
        assert login(user).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 32, "只能上传 PDF、JPG 或 PNG"),
        ("notes.pdf", b"just some text, not a PDF", "只能上传 PDF、JPG 或 PNG"),
        ("renamed.pdf", PNG, "扩展名与文件内容不符"),
        ("page.html", b"%PDF-<script>alert(1)</script>", "扩展名与文件内容不符"),
    ],
)
def test_a_paper_of_the_wrong_type_is_refused(loan_world, login, name, content, message):
    w = loan_world
    application = draft(w, w.applicant_a)
    response = upload(login(w.dir_a), application, name, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Attachment.all_objects.exists()


def test_an_oversize_paper_is_refused(loan_world, login):
    w = loan_world
    application = draft(w, w.applicant_a)
    response = upload(login(w.dir_a), application, "big.pdf", PDF + b"0" * (5 * 1024 * 1024 - len(PDF) + 1))
    assert response.status_code == 200 and "文件太大：最大 5 MB" in response.content.decode()
    assert not Attachment.all_objects.exists()
    assert (
        upload(login(w.dir_a), application, "fits.pdf", PDF + b"0" * (5 * 1024 * 1024 - len(PDF))).status_code
        == 302
    )


def test_papers_stay_once_the_village_has_signed(loan_world, login):
    w = loan_world
    application = draft(w, w.applicant_a)
    client = login(w.dir_a)
    upload(client, application, "scan.pdf", PDF)
    attachment = Attachment.objects.get()
    advance(w, application, Status.VILLAGE_SIGNED)
    client.post(reverse("loans:attachment_delete", args=[attachment.pk]))
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    upload(client, application, "signed-form.pdf", PDF)  # the signed paper can still be added
    assert Attachment.objects.count() == 2


def test_another_villages_director_cannot_upload_or_delete(loan_world, login):
    w = loan_world
    application = draft(w, w.applicant_a)
    upload(login(w.dir_a), application, "scan.pdf", PDF)
    attachment = Attachment.objects.get()
    client = login(w.dir_b)
    assert upload(client, application, "x.pdf", PDF).status_code == 404
    assert client.post(reverse("loans:attachment_delete", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.count() == 1


# --- the ledger and the interest-subsidy summary ----------------------------------------------------------


def disbursed_loan(
    w,
    monkeypatch,
    applicant,
    *,
    applied_on,
    disbursed_on,
    amount="50000",
    rate="4.35",
    term=24,
    repaid_on=None,
):
    """Apply, sign and stamp on ``applied_on``, disburse on ``disbursed_on`` (the clock moves along)."""
    set_clock(monkeypatch, applied_on)
    application = advance(w, draft(w, applicant, amount=amount, term_months=term), Status.STAMPED)
    set_clock(monkeypatch, disbursed_on)  # disbursed today, the whole amount, for the term applied for
    application = advance(w, application, Status.DISBURSED, interest_rate=Decimal(rate))
    if repaid_on:
        set_clock(monkeypatch, repaid_on)
        application = advance(w, application, Status.REPAID)
    return application


def test_the_loan_ledger_lists_the_years_filed_applications(loan_world, login, monkeypatch):
    w = loan_world
    first = disbursed_loan(
        w, monkeypatch, w.applicant_a, applied_on=dt.date(2025, 6, 1), disbursed_on=dt.date(2025, 7, 1)
    )
    monkeypatch.undo()  # back to today
    draft(w, w.applicant_b, applied_on=dt.date(2025, 8, 1))  # drafts are not in the ledger
    advance(w, draft(w, w.applicant_c, applied_on=dt.date(2025, 8, 1)), Status.SUBMITTED)  # another township
    rows = loan_ledger_rows(user=w.staff, year=2025)
    assert [r.pk for r in rows] == [first.pk]
    row = rows[0]
    assert (row.number, row.village, row.name, row.age) == (1, "红旗村", "申请人A", 35)
    assert row.id_number == w.applicant_a.id_number and row.status == "已放款"
    assert row.village_signed_on == dt.date(2025, 6, 1) and row.loan_number == f"XY{first.pk:06d}"
    assert row.cooperative_decided_on == dt.date(2025, 6, 1) and row.disbursed_on == dt.date(2025, 7, 1)
    assert row.disbursed_amount == Decimal("50000.00") and row.interest_rate == Decimal("4.350")
    assert "（财政拨款人员）" in row.guarantors
    assert row.township_signed_on == row.stamped_on == dt.date(2025, 6, 1)
    with CaptureQueriesContext(connection) as read:
        loan_ledger_rows(user=w.staff, year=2025)
    assert len(read.captured_queries) == 3  # the applications, their guarantors, their signatures
    assert loan_ledger_rows(user=w.staff, year=2024) == []
    assert loan_ledger_rows(user=w.county_viewer, year=2025)[0].id_number.count("*") == 11
    assert loan_ledger_rows(user=w.dir_b, year=2025) == []
    body = login(w.staff).get(reverse("loans:ledger") + "?year=2025").content.decode()
    assert "申请人A" in body and "贷款台账" in body and "合计：1 笔" in body
    assert '<td data-label="放款日期" class="">2025-07-01</td>' in body


def test_the_loan_ledger_page_shows_a_page_at_a_time_numbered_on(loan_world, login, monkeypatch):
    w = loan_world
    monkeypatch.setattr(loans_selectors, "LEDGER_PAGE_SIZE", 1)
    for applicant in (w.applicant_a, w.applicant_b):
        advance(w, draft(w, applicant, applied_on=dt.date(2025, 8, 1)), Status.SUBMITTED)
    client = login(w.staff)
    first = client.get(reverse("loans:ledger"), {"year": 2025}).content.decode()
    second = client.get(reverse("loans:ledger"), {"year": 2025, "page": 2}).content.decode()
    assert "申请人A" in first and "申请人B" not in first and "第 1 / 2 页，共 2 条" in first
    assert "申请人B" in second and "申请人A" not in second and "第 2 / 2 页，共 2 条" in second
    assert "合计：2 笔" in first and "合计：2 笔" in second  # the whole year's, on every page
    # the second page's row is the ledger's second (序号 2), not a page's first
    page, rows = loans_selectors.loan_ledger_page(user=w.staff, year=2025, page=2)
    assert [(r.number, r.name) for r in rows] == [(2, "申请人B")] and page.number == 2
    assert "下一页" not in second and "上一页" in second


def test_the_interest_subsidy_summary_counts_the_days_of_each_year(loan_world, login, monkeypatch):
    w = loan_world
    disbursed_loan(
        w, monkeypatch, w.applicant_a, applied_on=dt.date(2025, 6, 1), disbursed_on=dt.date(2025, 7, 1)
    )
    disbursed_loan(
        w,
        monkeypatch,
        w.applicant_b,
        applied_on=dt.date(2025, 2, 1),
        disbursed_on=dt.date(2025, 3, 1),
        amount="20000",
        rate="4.75",
        term=12,
        repaid_on=dt.date(2025, 12, 1),
    )
    summary = interest_subsidy_summary(user=w.staff, year=2025)
    assert [(r.name, r.days, r.interest) for r in summary.rows] == [
        ("申请人A", 184, Decimal("1111.67")),  # 50000 × 4.35% × 184 / 360
        ("申请人B", 275, Decimal("725.69")),  # 20000 × 4.75% × 275 / 360, repaid on 1 December
    ]
    assert summary.total.loans == 2 and summary.total.subsidy == Decimal("1837.36")
    assert [v.village for v in summary.villages] == ["红旗村", "胜利村"]
    assert summary.rows[1].last_day == dt.date(2025, 11, 30)  # the day of repayment bears no interest
    next_year = interest_subsidy_summary(user=w.staff, year=2026)
    assert [(r.name, r.days, r.interest) for r in next_year.rows] == [("申请人A", 365, Decimal("2205.21"))]
    assert interest_subsidy_summary(user=w.dir_b, year=2026).rows == []
    body = login(w.chair).get(reverse("loans:subsidy") + "?year=2025").content.decode()
    assert "1837.36" in body and "红旗村" in body


# --- the admin ----------------------------------------------------------------------------------------


def test_the_admin_is_scoped(loan_world, login):
    w = loan_world
    own, foreign = draft(w, w.applicant_a), draft(w, w.applicant_c)
    client = login(w.staff)
    changelist = client.get(reverse("admin:loans_loanapplication_changelist")).content.decode()
    assert reverse("admin:loans_loanapplication_change", args=[own.pk]) in changelist
    assert reverse("admin:loans_loanapplication_change", args=[foreign.pk]) not in changelist
    assert client.get(reverse("admin:loans_loanapplication_change", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("admin:loans_loanapplication_history", args=[foreign.pk])).status_code == 404


def admin_inlines(**guarantors) -> dict:
    empty = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    data = {
        f"{prefix}-{key}": value for prefix in ("transitions", "attachments") for key, value in empty.items()
    }
    data.update({f"guarantors-{key}": value for key, value in empty.items()})
    data.update(guarantors)
    return data


def test_the_administrator_adds_a_draft_in_the_admin_under_the_same_rules(loan_world, login):
    w = loan_world
    g = guarantor()
    data = {
        "applicant": w.applicant_b.pk,
        "amount": "30000",
        "project": "土鸡养殖",
        "purpose": "鸡苗 800 只",
        "own_funds": "0",
        "term_months": "12",
        "applied_on": timezone.localdate().isoformat(),
        **admin_inlines(
            **{
                "guarantors-TOTAL_FORMS": "1",
                "guarantors-0-name": g.name,
                "guarantors-0-id_number": g.id_number,
                "guarantors-0-phone": g.phone,
                "guarantors-0-kind": g.kind,
                "guarantors-0-work_unit": g.work_unit,
            }
        ),
    }
    client = login(w.admin)
    url = reverse("admin:loans_loanapplication_add")
    response = client.post(url, data | {"amount": "30001"})
    assert response.status_code == 200 and "超过 30,000 元须有两名担保人" in response.content.decode()
    assert not LoanApplication.all_objects.exists()
    assert client.post(url, data).status_code == 302
    application = LoanApplication.objects.get()
    assert application.village == w.village_b and application.status == Status.DRAFT
    assert application.guarantors.count() == 1


def test_the_admin_checks_the_loan_rules_on_a_draft(loan_world, login):
    w = loan_world
    application = draft(w, w.applicant_a, amount=30000, guarantors=[guarantor()])
    g = application.guarantors.get()
    data = {
        "applicant": application.applicant_id,
        "amount": "30001",
        "project": application.project,
        "purpose": application.purpose,
        "own_funds": "0",
        "term_months": "12",
        "applied_on": application.applied_on.isoformat(),
        "version": application.version,  # the versions the admin's forms were opened at
        **admin_inlines(
            **{
                "guarantors-TOTAL_FORMS": "1",
                "guarantors-INITIAL_FORMS": "1",
                "guarantors-0-id": g.pk,
                "guarantors-0-version": g.version,
                "guarantors-0-application": application.pk,
                "guarantors-0-name": g.name,
                "guarantors-0-id_number": g.id_number,
                "guarantors-0-phone": g.phone,
                "guarantors-0-kind": g.kind,
                "guarantors-0-work_unit": g.work_unit,
            }
        ),
    }
    url = reverse("admin:loans_loanapplication_change", args=[application.pk])
    response = login(w.admin).post(url, data)
    assert response.status_code == 200 and "超过 30,000 元须有两名担保人" in response.content.decode()
    assert LoanApplication.objects.get(pk=application.pk).amount == Decimal("30000")
    response = login(w.admin).post(url, data | {"amount": "30000", "term_months": "18"})
    assert response.status_code == 302
    saved = LoanApplication.objects.get(pk=application.pk)
    assert saved.term_months == 18 and saved.version == application.version + 1


def test_applications_by_state_counts_the_scope_for_the_overview(loan_world, login):
    from loans.selectors import applications_by_state
    from loans.states import Status
    from tests.helpers.loans import advance, draft

    w = loan_world
    draft(w, w.applicant_a)
    advance(w, draft(w, w.applicant_b), Status.TOWNSHIP_SIGNED)
    draft(w, w.applicant_c)  # another township
    assert applications_by_state(user=w.staff) == {"草稿": 1, "乡妇联已签字，待信用社意见": 1}
    assert applications_by_state(user=w.dir_a) == {"草稿": 1}
    body = login(w.staff).get(reverse("outreach:overview")).content.decode()
    assert "乡妇联已签字，待信用社意见" in body
    # The county viewer's overview of one township draws that township's applications only.
    county = login(w.county_viewer)
    chart = _loans_chart(county.get(reverse("outreach:overview")))
    assert chart.rows == ["草稿", "乡妇联已签字，待信用社意见"] and chart.values == [[2], [1]]
    chart = _loans_chart(county.get(reverse("outreach:overview"), {"township": w.other_township.pk}))
    assert chart.rows == ["草稿"] and chart.values == [[1]]


def _loans_chart(response):
    return next(c for c in response.context["other_charts"] if c.title == "小额担保贷款申请（按状态）")


def test_the_loan_queue_is_in_the_menu_only_for_roles_that_take_a_step(loan_world, login):
    w = loan_world
    queue = reverse("loans:application_queue")
    for user in (w.dir_a, w.staff, w.chair):
        assert f'href="{queue}"' in login(user).get(reverse("home")).content.decode(), user
    county = login(w.county_viewer).get(reverse("home")).content.decode()
    assert "小额贷款" in county and reverse("loans:ledger") in county  # she still reads the ledger
    assert f'href="{queue}"' not in county
