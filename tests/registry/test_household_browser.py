"""In Chromium at 375 px: a 户号 already used in the village is refused on its field, the form kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import Household
from tests.helpers.factories import HouseholdFactory, VillageGroupFactory
from tests.helpers.web import fill_form, page_width, sign_in, submit

pytestmark = pytest.mark.browser


def test_a_duplicate_household_number_is_shown_on_the_field_with_the_form_kept(phone, world):
    group_2 = VillageGroupFactory(village=world.village_a, number=2, name="二组")
    HouseholdFactory(village=world.village_a, group=group_2, number="0033")
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    phone.go(reverse("registry:household_create"))
    # Choosing a group fills in its next free number.
    phone.select_option("#id_group", str(group_2.pk))
    assert phone.input_value("#id_number") == "0034"
    phone.select_option("#id_group", str(world.group_a.pk))
    assert phone.input_value("#id_number") == "0002"
    fill_form(phone, number="0001", address="红旗村一组 1 号", per_capita_income="6800")
    submit(phone, then="#id_number.is-invalid")
    assert "本村已有这个户号，请换一个户号。" in phone.inner_text("#id_number_error")
    assert "一组下一个空着的户号是 0002" in phone.inner_text("main")
    assert phone.input_value("#id_number") == "0001"
    assert phone.input_value("#id_address") == "红旗村一组 1 号"
    assert phone.input_value("#id_per_capita_income") == "6800"
    assert page_width(phone) <= 375
    assert Household.objects.filter(village=world.village_a).count() == 2
    fill_form(phone, number="0002")
    submit(phone)
    assert Household.objects.filter(village=world.village_a, number="0002").exists()


def test_the_404_page_fits_a_phone(phone, world):
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    response = phone.go("/registry/no-such-page/")
    assert response.status == 404
    assert "找不到这个页面" in phone.inner_text("main")
    assert page_width(phone) <= 375
