"""In Chromium at 375 px: the township uploads a 低保 list, confirms its columns, sees a difference and
marks it 核实无误. Screenshots go to /tmp/shots/crosschecks/ when that folder exists (looked at by
hand; the test does not read them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosschecks.models import DepartmentList, Difference, DifferenceKind
from tests.crosschecks.helpers import HEADERS, dibao_rows, workbook_bytes
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/crosschecks")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload_in_browser(page, cast) -> None:
    page.go("/crosschecks/")
    page.click("#crosscheck-upload")
    page.select_option("#id_kind", "dibao")
    page.fill("#id_as_of", "2026-06-30")
    files = {"name": "低保名单.xlsx", "mimeType": XLSX, "buffer": workbook_bytes(HEADERS, dibao_rows(cast))}
    page.set_input_files("#id_file", files)
    assert page_width(page) <= page.viewport_size["width"]
    shot(page, f"upload-{page.viewport_size['width']}")
    page.click("#crosscheck-form button[type=submit]")
    page.wait_for_selector("#crosscheck-mapping")


def test_the_township_uploads_a_list_confirms_its_columns_and_checks_a_difference(phone, world, cast):
    sign_in(phone, "staff")
    upload_in_browser(phone, cast)
    assert phone.locator("#id_map_name option:checked").inner_text().endswith("姓名")
    assert "低收入丙" in phone.locator("#crosscheck-preview").inner_text()
    assert page_width(phone) <= 375
    shot(phone, "columns-375")
    phone.click("#crosscheck-confirm")
    phone.wait_for_selector("#crosscheck-villages")
    assert page_width(phone) <= 375
    assert "共 6 条" in phone.locator("main").inner_text()
    shot(phone, "differences-375")

    card = phone.locator("[data-difference='dibao_not_listed']")
    assert "低保乙" in card.inner_text()
    card.locator("summary", has_text="核实无误").click()
    card.locator("textarea").fill("电话核实：已停保，登记待改")
    card.get_by_role("button", name="保存：核实无误").click()
    phone.wait_for_selector("text=已标记为核实无误")
    assert "共 5 条" in phone.locator("main").inner_text()
    assert phone.locator("[data-difference='dibao_not_listed']").count() == 0
    difference = Difference.objects.get(kind=DifferenceKind.DIBAO_NOT_LISTED)
    assert difference.closed_by.note == "电话核实：已停保，登记待改"
    assert DepartmentList.objects.get().uploaded_by == world.staff


def test_screens_of_the_cross_check_at_both_widths(chromium, live_server, world, cast, children):
    """Not an assertion of looks: the pages at 375 and 1280 px, as the township and a director."""
    for width, height in ((375, 740), (1280, 900)):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.go = lambda path, page=page: page.goto(live_server.url + path)
        sign_in(page, "staff")
        upload_in_browser(page, cast)
        shot(page, f"columns-{width}")
        page.click("#crosscheck-confirm")
        page.wait_for_selector("#crosscheck-villages")
        assert page_width(page) <= width
        shot(page, f"differences-{width}")
        page.go("/crosschecks/")
        assert page_width(page) <= width
        shot(page, f"lists-{width}")
        lst = DepartmentList.objects.order_by("-pk").first()
        context.close()
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.go = lambda path, page=page: page.goto(live_server.url + path)
        sign_in(page, "dir_b")
        page.go(lst.get_absolute_url())
        page.wait_for_selector("#crosscheck-villages")
        assert page_width(page) <= width
        shot(page, f"director-{width}")
        context.close()
