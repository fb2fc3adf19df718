"""In Chromium at 375 px: a director records visits from her to-do list; the township sees it."""

from __future__ import annotations

import re

import pytest

from tests.helpers.outreach import left_behind_woman
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def visits_row(page, village: str) -> list[str]:
    """Return the numbers of ``village`` in the overview's visits chart table (done, owed, rate)."""
    figure = page.locator("figure.chart", has_text="留守妇女走访")
    figure.locator("summary").click()
    row = figure.locator("tbody tr", has_text=village)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()][1:]


def test_a_director_visits_a_woman_twice_and_the_township_sees_it(phone, world, live_server):
    left_behind_woman(world.village_a, name="李秀兰")
    left_behind_woman(world.village_a, name="王春梅")

    sign_in(phone, "staff")
    phone.go("/outreach/overview/")
    assert visits_row(phone, "红旗村") == ["0", "4", "0%"]
    assert page_width(phone) <= 375
    phone.context.clear_cookies()

    sign_in(phone, "dir_a")
    todo = phone.locator("#visit-todo")
    item = todo.locator("li", has_text="李秀兰")
    assert "已走访 0 / 2 次" in item.inner_text()
    for done in (1, 2):
        todo.locator("li", has_text="李秀兰").get_by_role("link", name="记录走访").click()
        assert phone.locator("#id_person option:checked").inner_text().startswith("李秀兰")
        phone.get_by_label("电话走访").check()
        phone.fill("#id_living_situation", f"第 {done} 次走访：种玉米，孩子上小学。")
        phone.fill("#id_difficulties", "农忙缺劳力")
        assert page_width(phone) <= 375
        phone.click("main button[type=submit]")
        phone.wait_for_selector("text=已保存")
        assert re.fullmatch(re.escape(live_server.url) + "/?", phone.url)
        if done == 1:
            assert "已走访 1 / 2 次" in todo.locator("li", has_text="李秀兰").inner_text()
    assert todo.locator("li", has_text="李秀兰").count() == 0
    assert todo.locator("li", has_text="王春梅").count() == 1
    assert page_width(phone) <= 375
    phone.context.clear_cookies()

    sign_in(phone, "staff")
    phone.go("/outreach/overview/")
    assert visits_row(phone, "红旗村") == ["2", "4", "50%"]
    svg_text = phone.locator("figure.chart", has_text="留守妇女走访").locator("svg").inner_html()
    assert ">2/4</text>" in svg_text
