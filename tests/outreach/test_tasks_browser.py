"""In Chromium at 375 px: the township sets a task for two villages, a director hands it in from her
phone, and the grid shows one village done and the other open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def test_the_township_sets_a_task_a_director_hands_it_in_the_grid_shows_it(phone, world):
    due = timezone.localdate() + dt.timedelta(days=5)
    sign_in(phone, "staff")
    phone.go("/outreach/tasks/new/")
    phone.fill("#id_title", "六一儿童节慰问留守儿童")
    phone.fill("#id_document", "凉妇发(2014)11号")
    phone.fill("#id_due_on", due.isoformat())
    phone.get_by_label("上报数字").check()
    phone.fill("#id_number_label", "慰问儿童人数")
    phone.get_by_label("红旗村").check()
    phone.get_by_label("胜利村").check()
    assert page_width(phone) <= 375
    phone.click("#task-form button[type=submit]")
    phone.wait_for_selector("text=任务已布置")
    phone.context.clear_cookies()

    sign_in(phone, "dir_a")
    todo = phone.locator("#tasks-todo li", has_text="六一儿童节慰问留守儿童")
    todo.get_by_role("link", name="上报").click()
    phone.fill("#id_number", "23")
    assert page_width(phone) <= 375
    phone.click("#hand-in-form button[type=submit]")
    phone.wait_for_selector("text=已上报，任务完成")
    assert "慰问儿童人数：23" in phone.locator("#hand-in-done").inner_text()
    phone.context.clear_cookies()

    sign_in(phone, "staff")
    phone.go(f"/outreach/tasks/?year={due.year}")
    grid = phone.locator("#task-grid")
    assert grid.locator("tr[data-unit='红旗村'] td").get_attribute("data-status") == "on_time"
    assert grid.locator("tr[data-unit='胜利村'] td").get_attribute("data-status") == "open"
    assert "已完成 1" in phone.locator("#task-grid-summary").inner_text()
    assert page_width(phone) <= 375
