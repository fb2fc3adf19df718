"""Resident ID numbers under GB 11643-1999."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from federation.core.idnumber import age_on, check_character, make_id_number, mask_id_number, parse_id_number

# The standard's worked example: 11010519491231002X (Beijing, born 31 Dec 1949, a woman).
EXAMPLE = "11010519491231002X"


def test_the_standards_example_is_valid_and_tells_birth_and_sex():
    parsed = parse_id_number(EXAMPLE)
    assert parsed.number == EXAMPLE
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.region_code == "110105"


def test_lower_case_x_and_spaces_are_accepted_and_stored_upper_case():
    assert parse_id_number(" 11010519491231002x ").number == EXAMPLE


def test_a_wrong_check_character_is_named():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("110105194912310021")
    assert exc.value.code == "check"
    assert "校验位" in exc.value.messages[0] and "X" in exc.value.messages[0]


def test_a_date_that_does_not_exist_is_named():
    first17 = "51340119850230002"  # 30 February 1985
    with pytest.raises(ValidationError) as exc:
        parse_id_number(first17 + check_character(first17))
    assert exc.value.code == "date"
    assert "1985-02-30" in exc.value.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    number = make_id_number("513401", dt.date(2030, 1, 1), 2)
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number, today=dt.date(2026, 11, 29))
    assert exc.value.code == "future"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("1101051949123100", "length"), ("11010519491231002XX", "length"), ("1101051949123100AX", "characters")],
)
def test_length_and_characters_are_named(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw)
    assert exc.value.code == code


def test_fifteen_digit_numbers_are_converted_to_eighteen():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == EXAMPLE
    assert parsed.birth_date == dt.date(1949, 12, 31)


def test_a_fifteen_digit_number_with_a_letter_is_refused():
    with pytest.raises(ValidationError):
        parse_id_number("11010549123100X")


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(1976, 3, 18), dt.date(2026, 3, 17), 49),
        (dt.date(1976, 3, 18), dt.date(2026, 3, 18), 50),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    ],
)
def test_age_in_full_years_on_a_reference_date(birth, on, age):
    assert age_on(birth, on) == age


def test_masking_keeps_the_first_three_and_the_last_four():
    # GB/T 35273: neither the county (digits 4-6) nor the birth date (digits 7-14) shows
    assert mask_id_number(EXAMPLE) == "110***********002X"
    assert mask_id_number(EXAMPLE[:6] + EXAMPLE[8:17]) == "110********1002"  # a legacy 15-digit one
    assert mask_id_number("12345") == "*****"  # too short to be a number: nothing of it shows
    assert mask_id_number(None) == ""
    assert parse_id_number(EXAMPLE).masked == "110***********002X"


def test_odd_sequences_are_men_even_women():
    assert parse_id_number(make_id_number("513401", dt.date(1990, 1, 1), 11)).sex == "M"
    assert parse_id_number(make_id_number("513401", dt.date(1990, 1, 1), 12)).sex == "F"
