"""In a real Chromium at 375 px: log in, the village home page, another village's page, lock-out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def test_a_director_logs_in_on_a_phone_and_sees_her_village_only(phone, world):
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    assert "红旗村" in phone.inner_text("h1")
    # Nothing is wider than the phone's screen.
    assert page_width(phone) <= 375
    phone.go(reverse("registry:person_list"))
    assert "妇女A" in phone.inner_text("main")
    response = phone.goto(
        phone.url.split("/registry")[0] + reverse("registry:person_detail", args=[world.woman_b.pk])
    )
    assert response.status == 404
    assert "妇女B" not in phone.content()


def test_typing_an_id_number_fills_birth_date_and_sex(phone, world):
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    phone.go(reverse("registry:person_create"))
    phone.fill("#id_name", "新登记")
    phone.type("#id_id_number", "11010519491231002x")
    assert phone.input_value("#id_birth_date") == "1949-12-31"
    assert phone.input_value("#id_sex") == "F"
    assert "周岁" in phone.inner_text("#id_id_number_live")
    phone.fill("#id_id_number", "110105194912310021")
    phone.dispatch_event("#id_id_number", "input")
    assert "校验位" in phone.inner_text("#id_id_number_live")


def test_five_wrong_passwords_lock_the_account(phone, world):
    for _ in range(5):
        sign_in(phone, "dir_a", "wrong-password")
    sign_in(phone, "dir_a")
    assert "锁定" in phone.inner_text("main")
