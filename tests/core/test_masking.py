"""The masks (federation.core.masking) and the one policy that decides who sees data whole."""

from __future__ import annotations

import datetime as dt

import pytest

from federation.core import policy
from federation.core.masking import is_birth_field, is_phone_field, mask_id_number, mask_phone
from federation.core.models import year_settings


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("+86 13700000000", "+86 137****0000"),
        ("138 1234 5678", "138 **** 5678"),
        ("0834-2345678", "083*-***5678"),
        ("2345678", "****678"),  # fewer than 8 digits: only the last half shows
        ("12345", "***45"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_shows_its_middle_four_digits_masked(phone, shown):
    assert mask_phone(phone) == shown


def test_the_mask_of_an_id_number_hides_the_county_and_the_birth_date():
    number = "51340119880506004X"
    masked = mask_id_number(number)
    assert masked == "513***********004X"
    assert "19880506" not in masked and "401" not in masked


def test_field_names_that_hold_personal_data():
    assert all(map(is_phone_field, ["phone", "guardian_phone", "petitioner_phone"]))
    assert not any(map(is_phone_field, ["phones_count", "telephone_kind"]))
    assert all(map(is_birth_field, ["birth_date", "birth_month", "person.birth_date"]))
    assert not is_birth_field("birth_place")


def test_the_policy_masks_for_the_county_viewer_only(world):
    w = world
    number, phone, born = w.woman_a.id_number, "13812345678", dt.date(1988, 5, 6)
    for user in (w.dir_a, w.staff, w.chair, w.admin):
        assert policy.can_see_full_id_number(user)
        assert policy.id_number_for(user, number) == number
        assert policy.phone_for(user, phone) == phone
        assert policy.birth_date_for(user, born) == born
    viewer = w.county_viewer
    assert not policy.can_see_full_id_number(viewer)
    assert policy.id_number_for(viewer, number) == number[:3] + "*" * 11 + number[-4:]
    assert policy.phone_for(viewer, phone) == "138****5678"
    assert policy.birth_date_for(viewer, born) is None
    assert not policy.can_see_full_id_number(w.nobody) and not policy.can_see_full_id_number(None)


def test_the_age_shown_in_place_of_a_birth_date_is_counted_on_the_reference_date(db):
    on = year_settings(2026).ages_on
    assert on == policy.ages_on(2026) == dt.date(2026, 3, 18)
    assert policy.masked_age(dt.date(1988, 3, 18), on) == 38
    assert policy.masked_age(dt.date(1988, 3, 19), on) == 37  # the same all year: no birthday to watch
    assert policy.masked_age(None, on) is None
