"""In Chromium at 375 px (issue 15's walk): a director registers in December a woman whose husband left on
2 June, records her visit and sees her counted in the year's progress; later she marks the husband back
and ends the entry from the 待核实 list.

The year is last year, so every date of the walk lies in the past whatever day the test runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import LeftBehindWoman
from tests.helpers.factories import man_away, member
from tests.helpers.registers import new_household
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser

Y = timezone.localdate().year - 1
SHOTS = Path("/tmp/shots/recheck")


def test_a_woman_registered_in_december_is_visited_counted_then_ended_from_the_recheck_list(phone, world):
    household = new_household(world.village_a)
    husband = man_away(household, "head", "王强", dt.date(1986, 1, 1), dt.date(Y, 6, 2))
    woman = member(household, "spouse", "李秀兰", dt.date(1990, 4, 5), marital_status="married")
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")

    # registered in December of year Y, husband away since 2 June: accepted for year Y
    phone.go(f"{reverse('registry:leftbehindwoman_create')}?person={woman.pk}&year={Y}")
    phone.fill("#id_entered_on", f"{Y}-12-05")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")
    entry = LeftBehindWoman.objects.get(person=woman)
    assert (entry.year, entry.entered_on) == (Y, dt.date(Y, 12, 5))

    # her visit, and the year's progress counts her
    phone.go(f"{reverse('outreach:visit_create')}?person={woman.pk}")
    phone.fill("#id_visited_on", f"{Y}-12-06")
    phone.get_by_label("入户走访").check()
    phone.fill("#id_living_situation", "丈夫在广东务工，她在家种地。")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")
    phone.go(f"{reverse('outreach:visit_progress')}?year={Y}")
    assert "已走访 1 / 2 次" in phone.locator("#visit-todo li", has_text="李秀兰").inner_text()

    # the husband comes home: his edit page
    phone.go(reverse("registry:person_update", args=[husband.pk]))
    phone.select_option("#id_work_place", "")
    phone.fill("#id_away_since", "")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")

    # the 待核实 list proposes her exit; one click, a confirmation, and she is out
    phone.go(f"{reverse('registry:recheck')}?on={Y}-12-20")
    card = phone.locator(f'[data-proposal="leftbehindwoman-{entry.pk}"]')
    assert "丈夫不在县外务工" in card.inner_text() and "丈夫返乡" in card.inner_text()
    assert page_width(phone) <= 375
    if SHOTS.is_dir():  # only where someone made the folder to look at them: 375 and 1280 px
        phone.screenshot(path=str(SHOTS / "recheck-375.png"), full_page=True)
        phone.set_viewport_size({"width": 1280, "height": 900})
        phone.screenshot(path=str(SHOTS / "recheck-1280.png"), full_page=True)
        phone.set_viewport_size({"width": 375, "height": 740})
    card.get_by_role("button", name="退出（丈夫返乡）").click()
    phone.wait_for_selector("[data-confirm-exit]")
    assert f"{Y}年12月20日" in phone.inner_text("[data-confirm-exit]")
    phone.get_by_role("button", name="确认退出").click()
    phone.wait_for_selector("text=没有待核实的登记")
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (dt.date(Y, 12, 20), "husband_returned")
