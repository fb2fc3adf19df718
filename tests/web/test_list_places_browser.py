"""In Chromium at 375 px: choosing a village on a list brings its groups, and the address keeps both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers.factories import VillageGroupFactory
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def test_the_township_chooses_a_village_then_one_of_its_groups_and_goes_back(phone, world):
    VillageGroupFactory(village=world.village_b, number=2, name="二组")
    sign_in(phone, "staff")
    phone.wait_for_selector("h1")
    phone.go(reverse("registry:person_list"))
    assert phone.locator("select[name=group]").count() == 0
    with phone.expect_navigation():
        phone.select_option("select[name=village]", str(world.village_b.pk))  # sends the form at once
    assert f"village={world.village_b.pk}" in phone.url
    groups = phone.locator("select[name=group] option").all_inner_texts()
    assert groups == ["全部村民小组", "一组", "二组"]
    phone.select_option("select[name=group]", str(world.group_b.pk))
    with phone.expect_navigation():
        phone.click("main button[type=submit]")
    assert f"group={world.group_b.pk}" in phone.url and "妇女B" in phone.inner_text("table")
    assert "妇女A" not in phone.inner_text("table")
    export = phone.get_attribute("[data-export=xlsx]", "href")
    assert f"village={world.village_b.pk}" in export and f"group={world.group_b.pk}" in export
    # another village: the old group is not sent, the new village's groups are offered
    with phone.expect_navigation():
        phone.select_option("select[name=village]", str(world.village_a.pk))
    assert "group=" not in phone.url
    assert phone.locator("select[name=group] option").all_inner_texts() == ["全部村民小组", "一组"]
    phone.go_back()
    assert f"group={world.group_b.pk}" in phone.url
    assert phone.eval_on_selector("select[name=group]", "s => s.value") == str(world.group_b.pk)
    assert page_width(phone) <= 375
