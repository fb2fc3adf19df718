"""In Chromium at 375 px: a director opens a left-behind child's file on her phone, records a pairing
with an 爱心妈妈 and a follow-up of it, and sees both on the child's file.

Screenshots (375 and 1280 px) go to /tmp/aid-shots/ when that folder exists (looked at by hand;
the test does not read them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.models import Pairing, PairingFollowUp
from tests.helpers.registers import make_record
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/aid-shots")


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_director_pairs_a_left_behind_child_and_records_a_follow_up_from_her_phone(
    phone, chromium, live_server, world
):
    child = make_record("leftbehindchild", world.village_a, "小花").person
    sign_in(phone, "dir_a")
    phone.go(child.get_absolute_url())
    phone.locator("#person-aid").get_by_role("link", name="登记结对").click()

    assert phone.locator("#id_person option:checked").inner_text().startswith("小花")
    phone.get_by_label("爱心妈妈").check()
    phone.fill("#id_helper_name", "刘芳")
    phone.fill("#id_helper_unit", "乡中心校")
    phone.fill("#id_helper_phone", "13908765432")
    phone.fill("#id_plan", "每月看望一次，辅导作业")
    assert page_width(phone) <= 375
    shot(phone, "pairing-form-375")
    phone.click("main button[type=submit]")

    phone.wait_for_selector("#person-aid")
    assert phone.url.endswith(child.get_absolute_url())
    phone.locator("#person-aid").get_by_role("link", name="爱心妈妈：刘芳").click()
    phone.get_by_role("link", name="记录跟进").click()
    assert "记录结对跟进：刘芳" in phone.locator("h1").inner_text()
    phone.fill("#id_money", "200")
    phone.fill("#id_hours", "2.5")
    phone.fill("#id_goods", "书包")
    phone.fill("#id_note", "上门辅导作业，孩子很开心。")
    shot(phone, "follow-up-form-375")
    phone.click("main button[type=submit]")

    phone.wait_for_selector("#follow-ups")
    assert "上门辅导作业" in phone.locator("#follow-ups").inner_text()
    assert page_width(phone) <= 375
    shot(phone, "pairing-375")
    phone.go(child.get_absolute_url())
    aid = phone.locator("#person-aid").inner_text()
    assert "爱心妈妈：刘芳" in aid and "跟进 1 次" in aid
    shot(phone, "file-375")
    pairing = Pairing.objects.get(person=child)
    assert pairing.history.count() == 1 and PairingFollowUp.objects.filter(pairing=pairing).count() == 1

    if SHOTS.is_dir():  # the same pages on a desktop, for the eye
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        desk = context.new_page()
        desk.go = lambda path: desk.goto(live_server.url + path)
        sign_in(desk, "dir_a")
        for name, path in (
            ("pairing-1280", pairing.get_absolute_url()),
            ("file-1280", child.get_absolute_url()),
            ("pairings-1280", "/registry/pairings/"),
            ("aid-form-1280", "/registry/aid/new/"),
        ):
            desk.go(path)
            shot(desk, name)
        context.close()
