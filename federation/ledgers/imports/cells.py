"""Cell parsers for imported ledgers: tolerant where people are inconsistent, strict where it matters.

Every parser returns ``(value, error)``: the parsed value (``None`` for a blank cell) and ``None``, or
``None`` and a Chinese message that says what is wrong. Blanks around any text are trimmed, including
full-width spaces and no-break spaces. The messages go through gettext when they are made.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core.idnumber import parse_id_number
from federation.ledgers.exports.cells import FORMULA_STARTS

Result = tuple[Any, str | None]

_BLANKS = " \t\r\n\u3000\u00a0\u200b\ufeff"

#: Header brackets written either way: full-width or half-width, round or square.
_BRACKETS = str.maketrans(
    {"（": "(", "）": ")", "【": "[", "】": "]", "〔": "[", "〕": "]", "［": "[", "］": "]"}
)


def clean_text(value: Any) -> str:
    """Return ``value`` as text with blanks around it trimmed ("" for a blank cell).

    A formula is never evaluated: a cell holding ``=SUM(A1:A3)`` comes back as that text.
    Whole numbers typed in a General cell (13580265936 as a number) come back without ".0".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula keeps its formula in .text
    if text is not None and not isinstance(value, str):
        value = text
    return str(value).strip(_BLANKS)


def normalize_header(value: Any) -> str:
    """Return a header text in the one form headers are compared in.

    Spaces (half- and full-width) and line breaks are dropped, brackets unified to half-width
    round/square ones, full-width letters and digits made half-width, letters lower-cased.
    """
    text = unicodedata.normalize("NFKC", clean_text(value)).translate(_BRACKETS)
    return re.sub(r"\s+", "", text).lower()


def parse_text(value: Any) -> Result:
    """Return the trimmed text of a cell, or ``None`` for a blank one.

    The apostrophe our exports put before a text starting with =, +, -, @, a tab or a carriage
    return (so that no spreadsheet runs it) is dropped, so that an export imported back changes
    nothing. The text itself stays text: it is never evaluated.
    """
    text = clean_text(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return (text or None), None


def parse_int(value: Any) -> Result:
    """Return a whole number from a number or a text of digits (blank: ``None``)."""
    if value is None or isinstance(value, bool):
        return None, (None if value is None else _("应为整数。"))
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if value.is_integer():
            return int(value), None
        return None, _("“%(value)s”不是整数。") % {"value": clean_text(value)}
    text = unicodedata.normalize("NFKC", clean_text(value)).replace(" ", "")
    if not text:
        return None, None
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text), None
    return None, _("“%(value)s”不是整数。") % {"value": clean_text(value)}


_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?")


def _make_date(year: str, month: str, day: str, shown: str) -> Result:
    try:
        return dt.date(int(year), int(month), int(day)), None
    except ValueError:
        return None, _("日期“%(value)s”不存在。") % {"value": shown}


def parse_date(value: Any, *, month_ok: bool = False) -> Result:
    """Return a date from an Excel date or datetime, or from text as people type it.

    Accepted texts: 2014-3-18, 2014/03/18, 2014.3.18, 2014年3月18日, 20140318. With ``month_ok``
    (a column where a month is enough: 出生年月, 外出时间) year-month forms are accepted too —
    1985.3, 1985年3月, 1985-03 — and give the first day of that month. A number typed as 1985.3
    in a General cell arrives as the number 1985.3 and is read the same way (1985.1 is January).
    """
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, _("应为日期。")
    if isinstance(value, int | float) and value >= 10000:
        # An Excel date serial in a cell without a date format.
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(value).date(), None
        except (ValueError, OverflowError, AttributeError):
            return None, _("无法识别的日期“%(value)s”。") % {"value": clean_text(value)}
    shown = clean_text(value) if not isinstance(value, float) else repr(value)
    text = unicodedata.normalize("NFKC", shown).strip()
    if not text:
        return None, None
    match = _FULL_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match:
        return _make_date(*match.groups(), shown)
    match = _YEAR_MONTH.fullmatch(text)
    if match:
        if not month_ok:
            return None, _("日期“%(value)s”只有年月，请写出完整的日期（如 2014-03-18）。") % {"value": shown}
        year, month = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            return None, _("日期“%(value)s”不存在：月份应为 1–12。") % {"value": shown}
        return dt.date(year, month, 1), None
    if month_ok:
        return None, _("无法识别的日期“%(value)s”，请写成 2014-03-18、2014年3月18日或 1985年3月。") % {
            "value": shown
        }
    return None, _("无法识别的日期“%(value)s”，请写成 2014-03-18、2014年3月18日。") % {"value": shown}


def parse_month(value: Any) -> Result:
    """Return the first day of the month of a date or a year-month text (1985.3, 1985年3月)."""
    parsed, error = parse_date(value, month_ok=True)
    if parsed is not None:
        parsed = parsed.replace(day=1)
    return parsed, error


_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "有", "1", "对"}
_FALSE = {"否", "×", "✗", "✘", "x", "n", "no", "false", "无", "0", "不是", "错"}


def parse_bool(value: Any) -> Result:
    """Return True/False from 是/否, √/×, Y/N (any case), 有/无, 1/0; ``None`` for a blank (空) cell."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    text = unicodedata.normalize("NFKC", clean_text(value)).replace(" ", "").lower()
    if text in ("", "空"):
        return None, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, _("“%(value)s”不是允许的值：请填 是 或 否（也可用 √ 或 ×）。") % {"value": clean_text(value)}


SCIENTIFIC_ID_MESSAGE = gettext_lazy(
    "身份证号被 Excel 转成了科学计数法的数字（如 %(shown)s），后几位已经丢失，无法还原；"
    "请把这一列设为“文本”格式，重新填写完整的 18 位身份证号。"
)
_SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d*)?e[-+]?\d+", re.IGNORECASE)


def parse_id(value: Any, *, today: dt.date | None = None) -> Result:
    """Return a valid 18-character ID number (upper-case X) or ``None`` for a blank cell.

    Text is trimmed (spaces inside too) and a lower-case x accepted. A whole number that lost
    nothing (an integer cell of 15 or 18 digits) is accepted. A floating-point number or a text
    such as ``1.10105E+17`` is refused: Excel turned the number into scientific notation and its
    last digits are gone. Everything else is checked by :func:`federation.core.idnumber.parse_id_number`.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _("身份证号不能是 是/否。")
    if isinstance(value, float):
        # Only a 15-digit legacy number fits a float exactly; an 18-digit one has lost digits.
        if value.is_integer() and 0 < value < 10**15:
            value = str(int(value))
        else:
            return None, SCIENTIFIC_ID_MESSAGE % {"shown": f"{value:.5E}"}
    elif isinstance(value, int):
        value = str(value)
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = re.sub(r"\s+", "", text)
    if not text:
        return None, None
    if _SCIENTIFIC.fullmatch(text):
        return None, SCIENTIFIC_ID_MESSAGE % {"shown": text.upper()}
    try:
        return parse_id_number(text, today=today).number, None
    except ValidationError as exc:
        return None, exc.messages[0]


def parse_id_text(value: Any) -> Result:
    """Return the ID number a cell holds as typed (trimmed, upper-case X), its check digit unchecked.

    For a column compared with a registered number (a husband's): a number one digit off is named
    beside the registered one, which says more than "the check digit is wrong". A number in
    scientific notation is refused as :func:`parse_id` refuses it.
    """
    if isinstance(value, float | bool):
        return parse_id(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text(value))).upper()
    if not text:
        return None, None
    if _SCIENTIFIC.fullmatch(text):
        return None, SCIENTIFIC_ID_MESSAGE % {"shown": text}
    return text, None


_UNIT = re.compile(r"\s*(周岁|岁|个月|月)$")


def without_unit(value: Any) -> Any:
    """Return a count typed with its unit (36岁, 24个月) as the number's text; anything else as it is."""
    if isinstance(value, str):
        return _UNIT.sub("", clean_text(value))
    return value


def parse_money(value: Any) -> Result:
    """Return an amount of yuan (two decimals) from a number or a text such as 1,500 or 1500元."""
    if value is None or clean_text(value) == "":
        return None, None
    if isinstance(value, bool):
        return None, _("“%(value)s”不是金额。") % {"value": clean_text(value)}
    text = clean_text(value).replace(",", "").replace("，", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s”不是金额（应为数字，如 1500 或 1500.50）。") % {"value": clean_text(value)}
    if not amount.is_finite():
        return None, _("“%(value)s”不是金额。") % {"value": clean_text(value)}
    return amount.quantize(Decimal("0.01")), None
