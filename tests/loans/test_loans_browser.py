"""In Chromium at 375 px: a loan from the village director's draft to the federation's stamp, and its PDF."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from loans.documents import chinese_date
from loans.models import LoanApplication
from loans.states import Status
from tests.helpers.factories import id_number_for
from tests.helpers.web import choose, page_width, sign_in

pytestmark = pytest.mark.browser


def fits_the_phone(page) -> bool:
    return page_width(page) <= 375


def take_step(page, label: str, **fields) -> None:
    """Open a step from the application's page, fill its fields, tick the pledge, confirm."""
    page.click(f"main a:has-text('{label}')")
    page.wait_for_selector(f"h1:has-text('{label}')")
    assert fits_the_phone(page)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    if page.locator("#id_pledge").count():
        page.check("#id_pledge")
    page.click(f"main button:has-text('确认{label}')")
    page.wait_for_selector(f"text=已办理“{label}”")


def switch_user(page, username: str, application_url: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)
    page.wait_for_selector("h1")
    page.go(application_url)


def test_a_loan_is_drafted_signed_twice_agreed_stamped_and_printed(phone, loan_world, live_server, tmp_path):
    import datetime as dt

    w = loan_world
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")

    # The village director drafts the application with two guarantors.
    phone.go(reverse("loans:application_create"))
    assert fits_the_phone(phone)
    choose(phone, "id_applicant", w.applicant_a.name)
    assert phone.eval_on_selector("#id_applicant", "s => s.value") == str(w.applicant_a.pk)
    phone.fill("#id_amount", "50000")
    phone.fill("#id_term_months", "24")
    phone.fill("#id_own_funds", "10000")
    phone.fill("#id_project", "生猪养殖")
    phone.fill("#id_purpose", "购买仔猪 20 头和饲料")
    phone.fill("#id_guarantors-0-name", "李建国")
    phone.fill("#id_guarantors-0-id_number", id_number_for(dt.date(1975, 5, 1), "M"))
    phone.fill("#id_guarantors-0-phone", "13700001111")
    phone.check("input[name='guarantors-0-kind'][value='public_funded']")
    phone.fill("#id_guarantors-0-work_unit", "幸福乡中心校")
    phone.fill("#id_guarantors-1-name", "王秀珍")
    phone.fill("#id_guarantors-1-id_number", id_number_for(dt.date(1972, 8, 9), "F"))
    phone.fill("#id_guarantors-1-phone", "13700002222")
    phone.check("input[name='guarantors-1-kind'][value='deposit']")
    assert phone.is_hidden("#id_guarantors-1-work_unit")  # a depositor gives her bank, not a work unit
    phone.fill("#id_guarantors-1-bank", "示范县农村信用合作联社")
    phone.fill("#id_guarantors-1-deposit_amount", "60000")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")
    application_url = phone.url.removeprefix(live_server.url)
    assert fits_the_phone(phone)

    # She submits it and gives the village signature.
    take_step(phone, "提交申请")
    take_step(phone, "村级妇联签字")
    assert "丈夫A" in phone.inner_text("main")  # the spouse, read from the household when submitted

    # The township chair finds it in her queue and signs.
    switch_user(phone, "chair", reverse("loans:application_queue"))
    phone.click("text=去办理")
    phone.check("#id_pledge")
    phone.click("main button:has-text('确认乡妇联签字')")
    phone.wait_for_selector("text=已办理“乡妇联签字”")

    # The staff record the credit cooperative's agreement; the chair stamps.
    switch_user(phone, "staff", application_url)
    take_step(phone, "登记信用社同意", loan_number="XY-2026-0815")
    switch_user(phone, "chair", application_url)
    take_step(phone, "妇联盖章")
    timeline = phone.inner_text(".timeline")
    for text in (
        "提交申请",
        "村级妇联签字",
        "乡妇联签字",
        "登记信用社同意",
        "妇联盖章",
        "张红",
        "赵敏",
        "王芳",
    ):
        assert text in timeline
    assert fits_the_phone(phone)

    application = LoanApplication.objects.get()
    assert application.status == Status.STAMPED and application.loan_number == "XY-2026-0815"

    # The PDF, fetched through the page's link with the signed-in browser, shows both signatures.
    href = phone.get_attribute("main a:has-text('申请审批表')", "href")
    response = phone.context.request.get(live_server.url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    today = chinese_date(timezone.localdate())
    village_block = text[text.index("村级妇联意见") : text.index("乡（镇）妇联意见")]
    township_block = text[text.index("乡（镇）妇联意见") : text.index("担保人意见")]
    assert "张红" in village_block and today in village_block
    assert "赵敏" in township_block and today in township_block
    assert "XY-2026-0815" in text and "李建国" in text and "王秀珍" in text
