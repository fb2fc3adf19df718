"""In Chromium: the chair's home lists the loans waiting for her signature; signing one takes it off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from loans.states import Status
from tests.helpers.loans import advance, draft
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def header_count(page) -> int:
    badge = page.locator("a.todo-badge:visible")
    if not badge.count():
        return 0
    return int(re.search(r"\d+", badge.first.inner_text()).group())


def test_the_chair_signs_a_loan_from_her_home_and_it_leaves_her_to_dos(phone, loan_world):
    w = loan_world
    first = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    second = advance(w, draft(w, w.applicant_b), Status.VILLAGE_SIGNED)

    sign_in(phone, "chair")
    phone.wait_for_selector("#loans-waiting")
    waiting = phone.locator("#loans-waiting li")
    assert waiting.count() == 2
    assert "已等 0 天" in phone.inner_text("#loans-waiting")
    before = header_count(phone)
    assert before >= 2
    assert page_width(phone) <= 375

    # She opens the first one from her home and signs it on its page.
    phone.click(f"#loans-waiting li[data-application='{first.pk}'] a.btn")
    phone.wait_for_selector("h1")
    assert phone.url.endswith(reverse("loans:application_detail", args=[first.pk]))
    phone.click("main a:has-text('乡妇联签字')")
    phone.wait_for_selector("h1:has-text('乡妇联签字')")
    if phone.locator("#id_pledge").count():
        phone.check("#id_pledge")
    phone.click("main button:has-text('确认乡妇联签字')")
    phone.wait_for_selector("text=已办理“乡妇联签字”")
    assert header_count(phone) == before - 1  # the header counts it at once, on any page

    phone.go(reverse("home"))
    phone.wait_for_selector("#loans-waiting")
    assert phone.locator("#loans-waiting li").count() == 1
    assert phone.locator(f"#loans-waiting li[data-application='{second.pk}']").count() == 1
    assert phone.locator(f"#loans-waiting li[data-application='{first.pk}']").count() == 0
    assert header_count(phone) == before - 1

    # The badge opens the home's to-do card.
    phone.click("a.todo-badge:visible")
    phone.wait_for_url(re.compile(r".*#todo$"))
