"""Resident ID numbers (居民身份证号码) under GB 11643-1999.

One place for every check: forms, imports, the admin, the model's ``full_clean()`` and the API
all call :func:`parse_id_number` (or the validator built on it).

Layout of the 18 characters: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence
(odd for a man, even for a woman), and a check character computed by ISO 7064 MOD 11-2.
Legacy 15-digit numbers (birth year without "19", no check character) are converted to 18.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.masking import mask_id_number

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # remainder 0..10 -> check character


class Sex:
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number and what it tells."""

    number: str
    birth_date: dt.date
    sex: str  # Sex.MALE or Sex.FEMALE

    @property
    def region_code(self) -> str:
        return self.number[:6]

    def age_on(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)

    @property
    def masked(self) -> str:
        """Return the number as a masked role sees it (``federation.core.masking``)."""
        return mask_id_number(self.number)


def check_character(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _today() -> dt.date:
    return timezone.localdate()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Return the parsed ID number, normalised to 18 upper-case characters.

    Raise ``ValidationError`` whose message says exactly what is wrong: the length, a character,
    the birth date (does not exist, or lies in the future) or the check character.
    """
    today = today or _today()
    value = (raw or "").strip().replace(" ", "").replace("\u3000", "").upper()
    if len(value) not in (15, 18):
        raise ValidationError(
            _("身份证号应为 18 位（旧号 15 位），这里是 %(n)d 位。") % {"n": len(value)}, code="length"
        )
    if len(value) == 15:
        if not value.isdigit():
            raise ValidationError(_("15 位旧身份证号只能由数字组成。"), code="characters")
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_character(first17)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        bad = next(
            (i + 1 for i, ch in enumerate(value) if not (ch.isdigit() or (i == 17 and ch == "X"))),
            None,
        )
        raise ValidationError(
            _("身份证号第 %(pos)d 位“%(ch)s”无效：前 17 位应为数字，最后一位为数字或 X。")
            % {"pos": bad, "ch": value[bad - 1]},
            code="characters",
        )
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 不存在。") % {"d": f"{value[6:10]}-{value[10:12]}-{value[12:14]}"},
            code="date",
        ) from None
    if birth > today:
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 在今天之后。") % {"d": birth.isoformat()}, code="future"
        )
    if birth.year < 1880:
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 不可能。") % {"d": birth.isoformat()}, code="date"
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("身份证号校验位不对：最后一位应为 %(expected)s，而不是 %(got)s，请核对每一位数字。")
            % {"expected": expected, "got": value[17]},
            code="check",
        )
    sex = Sex.MALE if int(value[16]) % 2 == 1 else Sex.FEMALE
    return IdNumber(number=value, birth_date=birth, sex=sex)


def normalize_id_number(raw: str) -> str:
    """Return the 18-character form of a valid ID number, or raise ``ValidationError``."""
    return parse_id_number(raw).number


def validate_id_number(value: str) -> None:
    """Model and form validator: raise ``ValidationError`` unless ``value`` is a valid ID number."""
    if value:
        parse_id_number(value)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Return the age in full years (周岁) on the date ``on``.

    Someone born on 29 February turns a year older on 1 March in a common year.
    """
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def make_id_number(region: str, birth_date: dt.date, sequence: int) -> str:
    """Return a valid 18-character number for ``region``, ``birth_date`` and a 3-digit sequence.

    Used by the demo data and the tests; odd sequences are men, even ones women.
    """
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def is_whole_id_number(search: str) -> bool:
    """Return whether ``search`` is a whole ID number (15 or 18 characters), which a search looks
    up as one (and the access log records as a search by ID number)."""
    search = search.strip()
    return len(search) in (15, 18) and search[:15].isdigit()
