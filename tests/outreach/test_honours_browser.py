"""In Chromium at 375 px: a director proposes a 最美家庭; the township puts it on a notice, records an
objection and how it was handled, and confirms it; the printed notice becomes a PNG."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from outreach.models import HonourNomination, NominationStatus
from tests.helpers.outreach import TODAY
from tests.helpers.web import choose, page_width, sign_in

pytestmark = pytest.mark.browser

#: The notice began ten days ago: its seven days have run out, so it can be confirmed today.
START = TODAY - dt.timedelta(days=10)


def fits(page) -> None:
    assert page_width(page) <= 375


def test_a_family_goes_through_notice_and_objection_to_confirmation(phone, world, live_server, tmp_path):
    sign_in(phone, "dir_a")
    phone.go("/outreach/honours/new/")
    choose(phone, "id_household", "妇女A")
    phone.fill("#id_proposed_on", START.isoformat())
    phone.fill("#id_year", str(START.year))
    phone.get_by_label("夫妻和睦").check()
    phone.get_by_label("孝老爱亲").check()
    phone.fill("#id_story", "照顾瘫痪的婆婆十年如一日，夫妻互敬互爱。")
    fits(phone)
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")
    assert phone.locator("#honour-headings").inner_text() == "夫妻和睦、孝老爱亲"
    assert "村推荐" in phone.locator("#honour-status").inner_text()
    fits(phone)
    phone.context.clear_cookies()

    sign_in(phone, "staff")
    phone.go(f"/outreach/honours/notices/new/?year={START.year}")
    phone.get_by_label("红旗村 妇女A家庭", exact=False).check()
    phone.fill("#id_starts_on", START.isoformat())
    phone.fill("#id_phone", "0834-1234567")
    fits(phone)
    phone.get_by_role("button", name="发布公示").click()
    phone.wait_for_selector("text=已发布公示")
    phone.get_by_role("link", name="红旗村 妇女A家庭").click()
    phone.get_by_role("link", name="登记异议").click()
    phone.fill("#id_received_on", (START + dt.timedelta(days=1)).isoformat())
    phone.fill("#id_raised_by", "村民")
    phone.fill("#id_content", "反映这家不赡养老人。")
    fits(phone)
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=异议已登记")
    phone.get_by_role("link", name="核实处理").click()
    phone.get_by_label("异议不成立").check()
    phone.fill("#id_handling", "入户核实：老人与儿子同住，反映不属实。")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已记下异议的处理情况")
    assert "异议不成立" in phone.locator("#honour-objections").inner_text()
    phone.get_by_role("link", name="查看公示").click()
    notice_url = phone.url
    phone.get_by_role("link", name="确认最美家庭").click()
    assert "红旗村 妇女A家庭" in phone.locator("#confirm-families").inner_text()
    fits(phone)
    phone.get_by_role("button", name="确认").click()
    phone.wait_for_selector("text=已确认 1 户最美家庭")
    assert HonourNomination.objects.get().status == NominationStatus.CONFIRMED

    pdf = phone.request.get(notice_url + "print/")
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "notice")], check=True)
    pages = sorted(tmp_path.glob("notice*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 10_000
