"""What a role that sees masked data is shown of an ID number and a phone number.

The rule follows GB/T 35273-2020 (7.5, 个人信息展示限制: de-identify what a screen or a paper
shows to those who do not need it) together with the layout of GB 11643-1999: a masked ID number
shows only the first 3 characters (the province and the first digit of the prefecture) and the
last 4 (the end of the sequence and the check character), ``513***********002X``. The hidden
11 characters are the county (digits 4–6) and the whole birth date (digits 7–14), so neither the
region nor the date can be read off the mask, and the check character alone cannot single out
one number among the dates an age in years leaves open. The last 4 stay visible because the
offices search by them (``registry.selectors.person_search``): a search by them tells nothing the
mask does not already show.

A phone shows the middle 4 digits masked, ``138****5678`` (the four digits before the last four).

Who sees the data whole is ``federation.core.policy``; this module only masks.
"""

from __future__ import annotations

MASK = "*"

#: How many characters of an ID number a masked role sees at the start and at the end.
ID_SHOWN_HEAD = 3
ID_SHOWN_TAIL = 4
#: How many digits of a phone are masked, and how many after them she sees.
PHONE_HIDDEN = 4
PHONE_SHOWN_TAIL = 4


def mask_id_number(number: str | None) -> str:
    """Return ``number`` with all but its first 3 and last 4 characters masked (``513***********002X``).

    A value too short to be an ID number (fewer than 15 characters) is masked whole.
    """
    if not number:
        return ""
    if len(number) < 15:
        return MASK * len(number)
    hidden = len(number) - ID_SHOWN_HEAD - ID_SHOWN_TAIL
    return number[:ID_SHOWN_HEAD] + MASK * hidden + number[-ID_SHOWN_TAIL:]


def mask_phone(phone: str | None) -> str:
    """Return ``phone`` with the 4 digits before its last 4 masked: ``138****5678``.

    Spaces, ``+`` and ``-`` stay where they are (``+86 137****0000``). A number of fewer than 8
    digits keeps only the last half of its digits.
    """
    if not phone:
        return ""
    positions = [i for i, ch in enumerate(phone) if ch.isdigit()]
    count = len(positions)
    span = PHONE_HIDDEN + PHONE_SHOWN_TAIL
    if count >= span:
        hidden = positions[count - span : count - PHONE_SHOWN_TAIL]
    else:
        hidden = positions[: count - count // 2]
    chars = list(phone)
    for i in hidden:
        chars[i] = MASK
    return "".join(chars)


def is_id_number_field(name: str) -> bool:
    """Return True for a field or key that holds an ID number (``id_number``, ``spouse_id_number``)."""
    return name.endswith("id_number")


def is_phone_field(name: str) -> bool:
    """Return True for a field or key that holds a phone number (``phone``, ``guardian_phone``)."""
    return name == "phone" or name.endswith("_phone")


def is_birth_field(name: str) -> bool:
    """Return True for a field or key that holds a birth date or month (``birth_date``, ``birth_month``)."""
    return name in ("birth", "birth_date", "birth_month") or name.endswith(".birth_date")
